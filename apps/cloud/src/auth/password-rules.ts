import type { Secret } from '@sspr/contracts';
import {
  BANNED_PASSWORD_MIN_SCORE,
  GLOBAL_BANNED_TERMS,
  bannedTerms,
  nameTerms,
  scorePassword,
} from './banned-passwords';

export const CLOUD_PASSWORD_MIN = 8;
export const CLOUD_PASSWORD_MAX = 256;
/** Of lower-case letters, upper-case letters, digits and everything else (symbols, uncased scripts). */
export const CLOUD_PASSWORD_MIN_CLASSES = 3;

/** Whose password it is: their names and their organization's name count as banned (SPEC §3.6). */
export interface PasswordSubject {
  userPrincipalName: string;
  displayName: string;
  tenantName: string;
  /** The tenant's custom banned list (premium). */
  customBannedTerms?: readonly string[];
}

const CLASSES: readonly RegExp[] = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];

export const PASSWORD_RULE_TEXT = {
  length: `The password must be ${CLOUD_PASSWORD_MIN} to ${CLOUD_PASSWORD_MAX} characters long.`,
  classes: 'The password must contain at least three of: lower-case letters, upper-case letters, digits, symbols.',
  banned:
    'The password is too easy to guess: it contains a common password, your name or your organization’s name. Choose a less predictable one.',
} as const;

/**
 * The cloud's own password rules (SPEC §3.6), for every password the cloud accepts from a person: length and
 * character classes (counted in code points, as a person counts characters), then the banned-password
 * score. Returns what is wrong, in plain words (never the password); empty when it passes.
 */
export function cloudPasswordViolations(password: Secret, subject?: PasswordSubject): string[] {
  const value = password.reveal();
  const length = [...value].length;
  if (length < CLOUD_PASSWORD_MIN || length > CLOUD_PASSWORD_MAX) return [PASSWORD_RULE_TEXT.length];
  const violations: string[] = [];
  if (CLASSES.filter((c) => c.test(value)).length < CLOUD_PASSWORD_MIN_CLASSES)
    violations.push(PASSWORD_RULE_TEXT.classes);
  const terms = bannedTerms(
    GLOBAL_BANNED_TERMS,
    subject?.customBannedTerms ?? [],
    subject ? nameTerms(subject.displayName, subject.userPrincipalName, subject.tenantName) : [],
  );
  if (scorePassword(value, terms).score < BANNED_PASSWORD_MIN_SCORE) violations.push(PASSWORD_RULE_TEXT.banned);
  return violations;
}

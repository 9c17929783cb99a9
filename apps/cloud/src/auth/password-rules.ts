import type { Secret } from '@sspr/contracts';

export const CLOUD_PASSWORD_MIN = 8;
export const CLOUD_PASSWORD_MAX = 256;

/**
 * The cloud's own password rules (SPEC §3.6), for every password the cloud accepts from a person: length
 * for now (issue 4 adds character classes and the banned list). Counted in code points, as a person
 * counts characters. Returns what is wrong, in plain words; empty when the password passes.
 */
export function cloudPasswordViolations(password: Secret): string[] {
  const length = [...password.reveal()].length;
  if (length < CLOUD_PASSWORD_MIN || length > CLOUD_PASSWORD_MAX)
    return [`The password must be ${CLOUD_PASSWORD_MIN} to ${CLOUD_PASSWORD_MAX} characters long.`];
  return [];
}

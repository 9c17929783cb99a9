/**
 * The banned-password check of SPEC §3.6: a password is normalized, banned terms are found in it exactly,
 * within an edit distance of one, and as substrings, and it is scored: each banned term found counts one
 * point, every other character one point; it needs BANNED_PASSWORD_MIN_SCORE points to pass.
 */
export const BANNED_PASSWORD_MIN_SCORE = 5;

/** Terms shorter than this are not matched (a two-letter name would ban half of all passwords). */
export const BANNED_TERM_MIN_LENGTH = 4;
/** Shorter terms match only exactly: one edit away from a four-letter term is too much of the language. */
export const FUZZY_TERM_MIN_LENGTH = 5;

/** The bundled global list: terms people put in passwords and attackers try first (normalized below). */
export const GLOBAL_BANNED_TERMS: readonly string[] = [
  'password',
  'passwort',
  'contrasena',
  'motdepasse',
  'qwerty',
  'qwertz',
  'azerty',
  'asdf',
  'zxcv',
  'abcd',
  'letmein',
  'welcome',
  'willkommen',
  'bienvenue',
  'admin',
  'administrator',
  'root',
  'login',
  'logon',
  'master',
  'secret',
  'changeme',
  'default',
  'guest',
  'test',
  'temp',
  'user',
  'access',
  'trustno',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'soccer',
  'hockey',
  'shadow',
  'sunshine',
  'princess',
  'superman',
  'batman',
  'starwars',
  'pokemon',
  'killer',
  'freedom',
  'whatever',
  'cheese',
  'summer',
  'winter',
  'spring',
  'autumn',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'monday',
  'friday',
  'sunday',
  '1234',
  '2345',
  '3456',
  '4567',
  '5678',
  '6789',
  '0000',
  '1111',
  '9999',
  '1212',
  '2020',
  '2021',
  '2022',
  '2023',
  '2024',
  '2025',
  '2026',
  '2027',
  'company',
  'office',
  'service',
  'support',
  'helpdesk',
];

const SUBSTITUTIONS: Readonly<Record<string, string>> = { '0': 'o', '1': 'l', $: 's', '@': 'a' };

/** Lower case, then the look-alike substitutions of SPEC §3.6: 0→o, 1→l, $→s, @→a. */
export function normalizePassword(value: string): string {
  return [...value.toLowerCase()].map((c) => SUBSTITUTIONS[c] ?? c).join('');
}

/** Whether `a` becomes `b` with at most one insertion, deletion or substitution. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < shorter.length && shorter[i] === longer[i]) i++;
  // Past the first difference the rest must be equal: after a substitution (same lengths) or after skipping
  // one character of the longer string (an insertion).
  return shorter.length === longer.length
    ? shorter.slice(i + 1) === longer.slice(i + 1)
    : shorter.slice(i) === longer.slice(i + 1);
}

/** The terms to look for: normalized, long enough, each once. */
export function bannedTerms(...lists: readonly (readonly string[])[]): string[] {
  const terms = new Set<string>();
  for (const list of lists)
    for (const term of list) {
      const normalized = normalizePassword(term.trim());
      if ([...normalized].length >= BANNED_TERM_MIN_LENGTH) terms.add(normalized);
    }
  return [...terms];
}

/** Parts of a person's or an organization's name worth banning: words of letters and digits. */
export function nameTerms(...names: readonly string[]): string[] {
  return names.flatMap((name) => name.split(/[^\p{L}\p{N}]+/u)).filter((part) => part.length > 0);
}

export interface BannedPasswordScore {
  score: number;
  /** The banned terms found, in the order found (for tests and the audit, never shown with the password). */
  found: string[];
}

/**
 * Scores a password against banned terms (already normalized, see bannedTerms). Left to right, at each
 * position a banned term found there counts one point and is skipped, otherwise the character counts one
 * point. A term is found exactly, else one edit away: a substitution, a missing character, or an extra one,
 * in that order; an extra character must be inside the term, so a term never swallows a neighbour. An
 * exact match beats a fuzzy one, then the longer term wins.
 */
export function scorePassword(password: string, terms: readonly string[]): BannedPasswordScore {
  const chars = [...normalizePassword(password)];
  const found: string[] = [];
  let score = 0;
  let i = 0;
  while (i < chars.length) {
    const match = bestMatchAt(chars, i, terms);
    score += 1;
    if (match) {
      found.push(match.term);
      i += match.length;
    } else {
      i += 1;
    }
  }
  return { score, found };
}

function bestMatchAt(
  chars: readonly string[],
  start: number,
  terms: readonly string[],
): { term: string; length: number } | undefined {
  let best: { term: string; length: number; exact: boolean; termLength: number } | undefined;
  for (const term of terms) {
    const termLength = [...term].length;
    const fuzzy = termLength >= FUZZY_TERM_MIN_LENGTH;
    for (const length of fuzzy ? [termLength, termLength - 1, termLength + 1] : [termLength]) {
      if (length < BANNED_TERM_MIN_LENGTH || start + length > chars.length) continue;
      const window = chars.slice(start, start + length).join('');
      if (fuzzy ? !withinOneEdit(window, term) : window !== term) continue;
      // An extra character at either edge is the term's neighbour, not part of a misspelling of it.
      if (length > termLength && (window[0] !== term[0] || window.at(-1) !== term.at(-1))) continue;
      const exact = window === term;
      const better = !best || (exact && !best.exact) || (exact === best.exact && termLength > best.termLength);
      if (better) best = { term, length, exact, termLength };
      break; // the first (closest) window of this term is the one it takes
    }
  }
  return best && { term: best.term, length: best.length };
}

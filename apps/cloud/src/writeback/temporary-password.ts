import { randomInt } from 'node:crypto';
import { Secret } from '@sspr/contracts';

// No look-alikes (0/O, 1/l/I), so a temporary password can be read out over the phone.
const CLASSES = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!#$%&*+-=?@^_'] as const;
const ALL = CLASSES.join('');
export const TEMPORARY_PASSWORD_LENGTH = 16;

function pick(chars: string): string {
  return chars.charAt(randomInt(chars.length));
}

/** A strong temporary password (16 characters, every character class, CSPRNG). */
export function generateTemporaryPassword(length = TEMPORARY_PASSWORD_LENGTH): Secret {
  const chars = CLASSES.map(pick);
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return new Secret(chars.join(''));
}

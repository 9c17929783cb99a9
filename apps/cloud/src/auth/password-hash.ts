import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Secret } from '@sspr/contracts';

/** Argon2id cost parameters, as written in a PHC string (`m` in KiB). */
export interface Argon2idParams {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

/** OWASP's recommended minimum for argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. */
export const ARGON2ID_DEFAULTS: Readonly<Argon2idParams> = { memoryKiB: 19 * 1024, passes: 2, parallelism: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const ARGON2_VERSION = 19;

/**
 * The PHC string format (github.com/P-H-C/phc-string-format), as the reference implementation writes it:
 * `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`, salt and hash in standard base64 without padding. The
 * bounds refuse a stored string that would make a verification absurdly costly.
 */
const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{22,88})$/;
const MAX_MEMORY_KIB = 1024 * 1024;

/** A stored hash that is not an argon2id PHC string we can verify: a data error, never a wrong password. */
export class PasswordHashFormatError extends Error {
  override readonly name = 'PasswordHashFormatError';
}

interface ParsedHash {
  params: Argon2idParams;
  salt: Buffer;
  hash: Buffer;
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

function derive(password: Secret, salt: Buffer, params: Argon2idParams, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // Runs on libuv's thread pool: the event loop keeps serving while a hash is computed.
    argon2(
      'argon2id',
      {
        message: Buffer.from(password.reveal(), 'utf8'),
        nonce: salt,
        memory: params.memoryKiB,
        passes: params.passes,
        parallelism: params.parallelism,
        tagLength: length,
      },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export function parsePasswordHash(phc: string): ParsedHash {
  const m = PHC.exec(phc);
  if (!m) throw new PasswordHashFormatError('not an argon2id v19 PHC string');
  const [, memory, passes, parallelism, salt, hash] = m as unknown as [string, string, string, string, string, string];
  const params = { memoryKiB: Number(memory), passes: Number(passes), parallelism: Number(parallelism) };
  if (params.memoryKiB > MAX_MEMORY_KIB || params.passes < 1 || params.parallelism < 1)
    throw new PasswordHashFormatError('argon2id parameters out of bounds');
  return { params, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** Hashes a password with a fresh random salt; returns the PHC string (parameters included, so they can change later). */
export async function hashPassword(
  password: Secret,
  params: Readonly<Argon2idParams> = ARGON2ID_DEFAULTS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params, HASH_BYTES);
  return `$argon2id$v=${ARGON2_VERSION}$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(hash)}`;
}

/** Whether the password matches the PHC string, with the string's own parameters; compared in constant time. */
export async function verifyPassword(password: Secret, phc: string): Promise<boolean> {
  const { params, salt, hash } = parsePasswordHash(phc);
  const candidate = await derive(password, salt, params, hash.length);
  return timingSafeEqual(candidate, hash);
}

/** Whether a stored hash was made with other parameters than today's (rehash it at the next successful sign-in). */
export function needsRehash(phc: string, params: Readonly<Argon2idParams> = ARGON2ID_DEFAULTS): boolean {
  const stored = parsePasswordHash(phc).params;
  return (
    stored.memoryKiB !== params.memoryKiB ||
    stored.passes !== params.passes ||
    stored.parallelism !== params.parallelism
  );
}

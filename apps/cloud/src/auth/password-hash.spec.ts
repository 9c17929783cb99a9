import { Secret } from '@sspr/contracts';
import {
  ARGON2ID_DEFAULTS,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  PasswordHashFormatError,
  verifyPassword,
} from './password-hash';

/** Cheap parameters, so the tests stay fast; the defaults are checked once. */
const CHEAP = { memoryKiB: 64, passes: 1, parallelism: 1 };
const secret = (s: string) => new Secret(s);

describe('password hashes (argon2id, PHC string)', () => {
  it('writes a PHC argon2id string with OWASP’s parameters by default', async () => {
    const phc = await hashPassword(secret('Correct-Horse-1'));

    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(ARGON2ID_DEFAULTS).toEqual({ memoryKiB: 19456, passes: 2, parallelism: 1 });
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hashPassword(secret('Correct-Horse-1'), CHEAP);

    await expect(verifyPassword(secret('Correct-Horse-1'), phc)).resolves.toBe(true);
    await expect(verifyPassword(secret('Correct-Horse-2'), phc)).resolves.toBe(false);
    await expect(verifyPassword(secret(''), phc)).resolves.toBe(false);
  });

  it('salts every hash, so one password never gives the same string twice', async () => {
    const [a, b] = await Promise.all([hashPassword(secret('Same-1'), CHEAP), hashPassword(secret('Same-1'), CHEAP)]);

    expect(a).not.toBe(b);
  });

  it('verifies a string written by the reference implementation (phc-winner-argon2 test vector)', async () => {
    const reference = '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';

    await expect(verifyPassword(secret('password'), reference)).resolves.toBe(true);
    await expect(verifyPassword(secret('Password'), reference)).resolves.toBe(false);
  });

  it('verifies with the parameters stored in the string, so they can change later', async () => {
    const old = await hashPassword(secret('Still-Valid-1'), CHEAP);

    expect(parsePasswordHash(old).params).toEqual(CHEAP);
    await expect(verifyPassword(secret('Still-Valid-1'), old)).resolves.toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, CHEAP)).toBe(false);
  });

  it('treats non-ASCII passwords as their UTF-8 bytes', async () => {
    const phc = await hashPassword(secret('Pässwörd-✓-密码'), CHEAP);

    await expect(verifyPassword(secret('Pässwörd-✓-密码'), phc)).resolves.toBe(true);
    await expect(verifyPassword(secret('Passwoerd-✓-密码'), phc)).resolves.toBe(false);
  });

  it.each([
    ['a clear password', 'Correct-Horse-1'],
    ['another algorithm', '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'],
    ['an old version', '$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'],
    ['absurd memory', '$argon2id$v=19$m=9999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'],
    ['no passes', '$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'],
  ])('refuses to verify against %s (a data error, not a wrong password)', async (_what, stored) => {
    await expect(verifyPassword(secret('Correct-Horse-1'), stored)).rejects.toBeInstanceOf(PasswordHashFormatError);
  });
});

import { createHash, randomBytes } from 'node:crypto';

/** The organization every test directory starts from (test/fixtures/ldif/organization.ldif). */
export const BASE_DN = 'dc=example,dc=test';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const SERVICE_DN = `cn=sspr-agent,ou=services,${BASE_DN}`;
/** Test-only secret, stored as an {SSHA} hash in the fixture. */
export const SERVICE_PASSWORD = 'Agent-Service-Pass-2026';
export const DEFAULT_POLICY_DN = `cn=default,ou=policies,${BASE_DN}`;

/** The initial password of a seeded user, as documented at the top of organization.ldif. */
export function seedPassword(uid: string): string {
  return `Seed-${uid}-2026`;
}

/**
 * An RFC 2307 `{SSHA}` value: base64(SHA-1(password + salt) + salt). slapd verifies it at bind; the harness
 * writes hashes so that no fixture holds a clear-text password. A fixed salt gives a reproducible fixture.
 */
export function sshaHash(password: string, salt: Buffer = randomBytes(8)): string {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** The salt organization.ldif uses for a given uid: the first 8 bytes of SHA-1(uid). */
export function fixtureSalt(uid: string): Buffer {
  return createHash('sha1').update(uid, 'utf8').digest().subarray(0, 8);
}

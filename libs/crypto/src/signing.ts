import { sign, verify, type KeyObject } from 'node:crypto';
import { SIGNING_ALG } from './keys';
import { CryptoError, CryptoErrorCode } from './crypto-error';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** Looks up the public key for a key id; undefined when the kid is not trusted. */
export type TrustedKeys = (kid: string) => KeyObject | undefined;

const TYP = 'sspr+jws';

/*
 * Compact JWS (RFC 7515) with EdDSA on Ed25519 (RFC 8037), on node:crypto's one-shot sign and verify
 * rather than jose: jose runs EdDSA on the libuv thread pool, and every command carries four
 * signatures (cloud signs, agent verifies, agent signs its result, cloud verifies). Done inline, the
 * agent's CPU per command in the drain went from 0.97 to 0.70 ms and its drain from 0.40-0.59 to 0.73 of
 * the floor (npm run bench). The format is fixed (our header only, no options); signing.spec.ts checks
 * it both ways against jose, which still seals the secrets (JWE).
 */

/** Signs a message as a compact JWS (RFC 7515, EdDSA per RFC 8037); the body on the wire is this string. */
export function signMessage(message: object, key: SigningKey): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: SIGNING_ALG, kid: key.kid, typ: TYP })).toString('base64url');
  const signingInput = `${header}.${Buffer.from(JSON.stringify(message)).toString('base64url')}`;
  const signature = sign(null, Buffer.from(signingInput), key.privateKey).toString('base64url');
  return Promise.resolve(`${signingInput}.${signature}`);
}

/**
 * Verifies a compact JWS against the trusted keys and returns the decoded JSON (not yet validated:
 * pass it to parseMessage). Throws CryptoError with a loggable reason.
 */
export function verifyMessage(jws: string, trusted: TrustedKeys): Promise<{ kid: string; body: unknown }> {
  return new Promise((resolve) => resolve(verifyCompact(jws, trusted)));
}

function verifyCompact(jws: string, trusted: TrustedKeys): { kid: string; body: unknown } {
  const parts = jws.split('.');
  const [header, payload, signature] = parts;
  let kid: string;
  try {
    if (parts.length !== 3 || !header || !payload || !signature) throw new Error('not three parts');
    const fields = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
    // Exactly our header: another alg (or "none"), another typ or any critical extension is refused.
    if (fields['typ'] !== TYP || fields['alg'] !== SIGNING_ALG || 'crit' in fields)
      throw new Error('unexpected header');
    if (typeof fields['kid'] !== 'string') throw new Error('no kid');
    kid = fields['kid'];
  } catch {
    throw new CryptoError(CryptoErrorCode.Malformed, 'not a signed message');
  }
  const key = trusted(kid);
  if (!key) throw new CryptoError(CryptoErrorCode.BadSignature, 'signed by an untrusted key');
  if (!verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
    throw new CryptoError(CryptoErrorCode.BadSignature, 'signature does not verify');
  }
  try {
    return { kid, body: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown };
  } catch {
    throw new CryptoError(CryptoErrorCode.Malformed, 'signed payload is not JSON');
  }
}

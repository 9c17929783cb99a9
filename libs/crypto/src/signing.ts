import type { KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { SIGNING_ALG } from './keys';
import { CryptoError, CryptoErrorCode } from './crypto-error';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** Looks up the public key for a key id; undefined when the kid is not trusted. */
export type TrustedKeys = (kid: string) => KeyObject | undefined;

const TYP = 'sspr+jws';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Signs a message as a compact JWS; the body on the wire is this string. */
export async function signMessage(message: object, key: SigningKey): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(message)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: TYP })
    .sign(key.privateKey);
}

/**
 * Verifies a compact JWS against the trusted keys and returns the decoded JSON (not yet validated:
 * pass it to parseMessage). Throws CryptoError with a loggable reason.
 */
export async function verifyMessage(jws: string, trusted: TrustedKeys): Promise<{ kid: string; body: unknown }> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jws);
    kid = typeof header.kid === 'string' ? header.kid : undefined;
    if (header.typ !== TYP || header.alg !== SIGNING_ALG) throw new Error('unexpected header');
  } catch {
    throw new CryptoError(CryptoErrorCode.Malformed, 'not a signed message');
  }
  const key = kid === undefined ? undefined : trusted(kid);
  if (!key || kid === undefined) throw new CryptoError(CryptoErrorCode.BadSignature, 'signed by an untrusted key');
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, key, { algorithms: [SIGNING_ALG] }));
  } catch {
    throw new CryptoError(CryptoErrorCode.BadSignature, 'signature does not verify');
  }
  try {
    return { kid, body: JSON.parse(decoder.decode(payload)) as unknown };
  } catch {
    throw new CryptoError(CryptoErrorCode.Malformed, 'signed payload is not JSON');
  }
}

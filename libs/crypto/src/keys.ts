import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** Signatures: Ed25519 (JWS alg EdDSA). Secrets: ECDH-ES+A256KW on X25519, content A256GCM. */
export const SIGNING_ALG = 'EdDSA';
export const KEY_WRAP_ALG = 'ECDH-ES+A256KW';
export const CONTENT_ENC = 'A256GCM';

export interface KeyPairJwk {
  publicJwk: JWK;
  privateJwk: JWK;
}

function generate(type: 'ed25519' | 'x25519'): KeyPairJwk {
  const { publicKey, privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
  return {
    publicJwk: publicKey.export({ format: 'jwk' }) as JWK,
    privateJwk: privateKey.export({ format: 'jwk' }) as JWK,
  };
}

/** A key pair for signing messages (the cloud per tenant, each agent for its replies). */
export function generateSigningKeyPair(): KeyPairJwk {
  return generate('ed25519');
}

/** A key pair secrets are sealed to (each agent; the private half never leaves its host). */
export function generateEncryptionKeyPair(): KeyPairJwk {
  return generate('x25519');
}

export function privateKeyFromJwk(jwk: JWK): KeyObject {
  return createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
}

export function publicKeyFromJwk(jwk: JWK): KeyObject {
  return createPublicKey({ key: publicPart(jwk) as JsonWebKey, format: 'jwk' });
}

/** Only the public members of a JWK: what may be sent to another party. */
export function publicPart(jwk: JWK): JWK {
  const { kty, crv, x } = jwk;
  return { kty, crv, x };
}

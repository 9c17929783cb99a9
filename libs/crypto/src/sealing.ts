import type { KeyObject } from 'node:crypto';
import { GeneralEncrypt, generalDecrypt, type GeneralJWE } from 'jose';
import { Secret, type SealedSecret } from '@sspr/contracts';
import { CONTENT_ENC, KEY_WRAP_ALG } from './keys';
import { CryptoError, CryptoErrorCode } from './crypto-error';

export interface SealRecipient {
  kid: string;
  publicKey: KeyObject;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Seals a secret to every given agent (multi-recipient JWE, General JSON Serialization).
 * `context` (e.g. the command id) is bound as additional authenticated data, so a sealed secret
 * cannot be lifted into another command.
 */
export async function sealSecret(secret: Secret, recipients: SealRecipient[], context: string): Promise<SealedSecret> {
  if (recipients.length === 0) throw new CryptoError(CryptoErrorCode.Malformed, 'no recipient to seal the secret to');
  const jwe = new GeneralEncrypt(encoder.encode(secret.reveal()))
    .setProtectedHeader({ enc: CONTENT_ENC })
    .setAdditionalAuthenticatedData(encoder.encode(context));
  for (const r of recipients) {
    jwe.addRecipient(r.publicKey).setUnprotectedHeader({ alg: KEY_WRAP_ALG, kid: r.kid });
  }
  const out = await jwe.encrypt();
  if (!out.protected || !out.iv || !out.tag) throw new CryptoError(CryptoErrorCode.Malformed, 'incomplete JWE');
  if (!out.aad) throw new CryptoError(CryptoErrorCode.Malformed, 'incomplete JWE');
  return {
    protected: out.protected,
    recipients: out.recipients.map((x) => ({ header: x.header, encrypted_key: x.encrypted_key })),
    iv: out.iv,
    ciphertext: out.ciphertext,
    tag: out.tag,
    aad: out.aad,
  };
}

/** Opens a secret sealed to `kid`; throws CryptoError(CannotOpen) if this key is not a recipient or anything was altered. */
export async function openSecret(
  sealed: SealedSecret,
  key: { kid: string; privateKey: KeyObject },
  context: string,
): Promise<Secret> {
  const mine = sealed.recipients.filter((r) => r.header?.['kid'] === key.kid);
  if (mine.length === 0) throw new CryptoError(CryptoErrorCode.CannotOpen, 'the secret is not sealed to this agent');
  // jose accepts only plain objects; a validated message holds class instances.
  const jwe: GeneralJWE = {
    protected: sealed.protected,
    recipients: mine.map((r) => ({
      ...(r.header ? { header: { ...r.header } } : {}),
      ...(r.encrypted_key ? { encrypted_key: r.encrypted_key } : {}),
    })),
    iv: sealed.iv,
    ciphertext: sealed.ciphertext,
    tag: sealed.tag,
    aad: sealed.aad,
  };
  if (jwe.aad !== Buffer.from(context).toString('base64url')) {
    throw new CryptoError(CryptoErrorCode.CannotOpen, 'the secret is bound to another command');
  }
  try {
    const { plaintext } = await generalDecrypt(jwe, key.privateKey, {
      keyManagementAlgorithms: [KEY_WRAP_ALG],
      contentEncryptionAlgorithms: [CONTENT_ENC],
    });
    return new Secret(decoder.decode(plaintext));
  } catch {
    throw new CryptoError(CryptoErrorCode.CannotOpen, 'the secret could not be opened with this agent key');
  }
}

import { createSecretKey, type KeyObject } from 'node:crypto';
import { compactDecrypt, CompactEncrypt } from 'jose';
import { CryptoError, CryptoErrorCode } from './crypto-error';

/** A 32-byte key (base64) that encrypts private keys the cloud keeps in its database. */
export function masterKeyFromBase64(b64: string): KeyObject {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== 32) throw new CryptoError(CryptoErrorCode.Malformed, 'the master key must be 32 bytes, base64');
  return createSecretKey(bytes);
}

/** Encrypts a value for storage (JWE dir + A256GCM). */
export async function encryptAtRest(plaintext: string, masterKey: KeyObject): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(masterKey);
}

export async function decryptAtRest(jwe: string, masterKey: KeyObject): Promise<string> {
  try {
    const { plaintext } = await compactDecrypt(jwe, masterKey);
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new CryptoError(
      CryptoErrorCode.CannotOpen,
      'stored value cannot be decrypted with the configured master key',
    );
  }
}

export enum CryptoErrorCode {
  /** The JWS signature does not verify, or names a key we do not trust. */
  BadSignature = 'bad_signature',
  /** This key is not among the recipients of the sealed secret, or the ciphertext was altered. */
  CannotOpen = 'cannot_open',
  Malformed = 'malformed',
}

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

import { generateEncryptionKeyPair, generateSigningKeyPair, publicPart } from '@sspr/crypto';
import { apiValidationPipe } from '../../common/api-validation.pipe';
import { DomainError } from '../../common/domain-error';
import { RegisterAgentDto } from './agent.dto';

const pipe = apiValidationPipe();

function aRegistration(overrides: Record<string, unknown> = {}) {
  return {
    token: 'one-time-token',
    name: 'agent',
    host: 'dc1',
    version: '1.0.0',
    encryptionKey: publicPart(generateEncryptionKeyPair().publicJwk),
    signingKey: publicPart(generateSigningKeyPair().publicJwk),
    ...overrides,
  };
}

async function errorsOf(body: unknown): Promise<readonly string[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype: RegisterAgentDto });
  } catch (err) {
    if (err instanceof DomainError) return err.details ?? [];
    throw err;
  }
  return [];
}

describe('RegisterAgentDto', () => {
  it('accepts public OKP keys on the right curves', async () => {
    await expect(errorsOf(aRegistration())).resolves.toEqual([]);
  });

  it('refuses a private signing key', async () => {
    const errors = await errorsOf(aRegistration({ signingKey: generateSigningKeyPair().privateJwk }));

    expect(errors).toEqual([
      'signingKey.a private key member (d) must never leave the agent; send only the public key',
    ]);
  });

  it('refuses keys swapped between encryption and signing', async () => {
    const swapped = aRegistration();

    const errors = await errorsOf({ ...swapped, encryptionKey: swapped.signingKey, signingKey: swapped.encryptionKey });

    expect(errors).toEqual([
      'encryptionKey.encryption key crv must be X25519',
      'signingKey.signing key crv must be Ed25519',
    ]);
  });

  it('refuses an RSA key', async () => {
    const errors = await errorsOf(aRegistration({ signingKey: { kty: 'RSA', n: 'abc', e: 'AQAB' } }));

    expect(errors).toEqual(
      expect.arrayContaining(['signingKey.property n should not exist', 'signingKey.kty must be OKP']),
    );
  });
});

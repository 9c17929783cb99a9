import { randomUUID } from 'node:crypto';
import { Secret } from '@sspr/contracts';
import {
  CryptoErrorCode,
  decryptAtRest,
  encryptAtRest,
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  masterKeyFromBase64,
  openSecret,
  privateKeyFromJwk,
  publicKeyFromJwk,
  sealSecret,
  signMessage,
  verifyMessage,
} from './index';

function anAgentKey(kid = randomUUID()) {
  const pair = generateEncryptionKeyPair();
  return { kid, publicKey: publicKeyFromJwk(pair.publicJwk), privateKey: privateKeyFromJwk(pair.privateJwk) };
}

describe('sealing secrets to agents', () => {
  const password = new Secret('Ünïcode-Pässword-42');

  it('lets every recipient agent open the secret', async () => {
    const [a, b] = [anAgentKey(), anAgentKey()];
    const sealed = await sealSecret(password, [a, b], 'cmd-1');
    await expect(openSecret(sealed, a, 'cmd-1').then((s) => s.reveal())).resolves.toBe(password.reveal());
    await expect(openSecret(sealed, b, 'cmd-1').then((s) => s.reveal())).resolves.toBe(password.reveal());
  });

  it('keeps the password out of the sealed form', async () => {
    const sealed = await sealSecret(password, [anAgentKey()], 'cmd-1');
    expect(JSON.stringify(sealed)).not.toContain('Pässword');
  });

  it('refuses an agent that is not a recipient', async () => {
    const sealed = await sealSecret(password, [anAgentKey()], 'cmd-1');
    await expect(openSecret(sealed, anAgentKey(), 'cmd-1')).rejects.toMatchObject({ code: CryptoErrorCode.CannotOpen });
  });

  it('refuses an agent whose kid is listed but whose key is another', async () => {
    const a = anAgentKey();
    const sealed = await sealSecret(password, [a], 'cmd-1');
    const impostor = { ...anAgentKey(a.kid) };
    await expect(openSecret(sealed, impostor, 'cmd-1')).rejects.toMatchObject({ code: CryptoErrorCode.CannotOpen });
  });

  it('refuses a secret lifted into another command', async () => {
    const a = anAgentKey();
    const sealed = await sealSecret(password, [a], 'cmd-1');
    await expect(openSecret(sealed, a, 'cmd-2')).rejects.toMatchObject({ code: CryptoErrorCode.CannotOpen });
    await expect(
      openSecret({ ...sealed, aad: Buffer.from('cmd-2').toString('base64url') }, a, 'cmd-2'),
    ).rejects.toMatchObject({
      code: CryptoErrorCode.CannotOpen,
    });
  });
});

describe('signing messages', () => {
  const pair = generateSigningKeyPair();
  const key = { kid: 'cloud-1', privateKey: privateKeyFromJwk(pair.privateJwk) };
  const trusted = (kid: string) => (kid === 'cloud-1' ? publicKeyFromJwk(pair.publicJwk) : undefined);

  it('round-trips a message signed by a trusted key', async () => {
    const jws = await signMessage({ hello: 'world' }, key);
    await expect(verifyMessage(jws, trusted)).resolves.toEqual({ kid: 'cloud-1', body: { hello: 'world' } });
  });

  it('rejects a message signed by another key under the trusted kid', async () => {
    const other = generateSigningKeyPair();
    const jws = await signMessage(
      { hello: 'world' },
      { kid: 'cloud-1', privateKey: privateKeyFromJwk(other.privateJwk) },
    );
    await expect(verifyMessage(jws, trusted)).rejects.toMatchObject({ code: CryptoErrorCode.BadSignature });
  });

  it('rejects a tampered payload', async () => {
    const jws = await signMessage({ amount: 1 }, key);
    const [h, , s] = jws.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ amount: 2 })).toString('base64url')}.${s}`;
    await expect(verifyMessage(forged, trusted)).rejects.toMatchObject({ code: CryptoErrorCode.BadSignature });
  });

  it('rejects garbage as malformed', async () => {
    await expect(verifyMessage('not a jws', trusted)).rejects.toMatchObject({ code: CryptoErrorCode.Malformed });
  });
});

describe('encryption at rest', () => {
  it('round-trips and refuses another master key', async () => {
    const k1 = masterKeyFromBase64(Buffer.alloc(32, 1).toString('base64'));
    const k2 = masterKeyFromBase64(Buffer.alloc(32, 2).toString('base64'));
    const stored = await encryptAtRest('private jwk', k1);
    await expect(decryptAtRest(stored, k1)).resolves.toBe('private jwk');
    await expect(decryptAtRest(stored, k2)).rejects.toMatchObject({ code: CryptoErrorCode.CannotOpen });
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => masterKeyFromBase64('c2hvcnQ=')).toThrow('32 bytes');
  });
});

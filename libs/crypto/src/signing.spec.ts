import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { generateSigningKeyPair, privateKeyFromJwk, publicKeyFromJwk } from './keys';
import { signMessage, verifyMessage } from './signing';
import { CryptoErrorCode } from './crypto-error';

// Our compact JWS must be exactly what a JOSE library produces and accepts.
describe('compact JWS interoperability with jose', () => {
  const pair = generateSigningKeyPair();
  const privateKey = privateKeyFromJwk(pair.privateJwk);
  const publicKey = publicKeyFromJwk(pair.publicJwk);
  const message = { type: 'agent.heartbeat.v1', text: 'Ünïcode ✓', nested: { n: 1 } };

  it('produces a JWS that jose verifies, with our header', async () => {
    const jws = await signMessage(message, { kid: 'k1', privateKey });
    const { payload } = await compactVerify(jws, publicKey, { algorithms: ['EdDSA'] });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(message);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'sspr+jws' });
  });

  it('verifies a JWS that jose produced', async () => {
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(message)))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'sspr+jws' })
      .sign(privateKey);
    await expect(verifyMessage(jws, () => publicKey)).resolves.toEqual({ kid: 'k1', body: message });
  });

  it.each([
    ['alg none', { alg: 'none', kid: 'k1', typ: 'sspr+jws' }],
    ['another alg', { alg: 'HS256', kid: 'k1', typ: 'sspr+jws' }],
    ['another typ', { alg: 'EdDSA', kid: 'k1', typ: 'JWT' }],
    ['a critical extension', { alg: 'EdDSA', kid: 'k1', typ: 'sspr+jws', crit: ['b64'], b64: false }],
    ['no kid', { alg: 'EdDSA', typ: 'sspr+jws' }],
  ])('refuses a header with %s', async (_what, header) => {
    const [, payload, signature] = (await signMessage(message, { kid: 'k1', privateKey })).split('.');
    const forged = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
    await expect(verifyMessage(forged, () => publicKey)).rejects.toMatchObject({ code: CryptoErrorCode.Malformed });
  });

  it('refuses a signature made over another header', async () => {
    const [, payload, signature] = (await signMessage(message, { kid: 'k1', privateKey })).split('.');
    const [otherHeader] = (await signMessage(message, { kid: 'k2', privateKey })).split('.');
    await expect(verifyMessage(`${otherHeader}.${payload}.${signature}`, () => publicKey)).rejects.toMatchObject({
      code: CryptoErrorCode.BadSignature,
    });
  });

  it('refuses a JWS with missing or extra parts', async () => {
    await expect(verifyMessage('a.b', () => publicKey)).rejects.toMatchObject({ code: CryptoErrorCode.Malformed });
    await expect(verifyMessage('a.b.c.d', () => publicKey)).rejects.toMatchObject({ code: CryptoErrorCode.Malformed });
  });
});

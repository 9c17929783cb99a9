import { HealthCheckName, HealthCheckStatus } from '@sspr/contracts';
import { tlsCertificateCheck, type TlsCertificateReport } from './tls-certificate';

const NOW = new Date('2026-11-23T12:00:00Z');
const DAY_MS = 86_400_000;

function aCertificate(overrides: Partial<TlsCertificateReport> = {}): TlsCertificateReport {
  return {
    subject: 'CN=dc1.example.test',
    validFrom: new Date(NOW.getTime() - 300 * DAY_MS),
    validTo: new Date(NOW.getTime() + 100 * DAY_MS),
    ...overrides,
  };
}

describe('tlsCertificateCheck', () => {
  it('passes a trusted certificate far from expiry and says until when', () => {
    expect(tlsCertificateCheck(aCertificate(), NOW)).toEqual({
      name: HealthCheckName.TlsCertificate,
      status: HealthCheckStatus.Pass,
      detail: 'The directory’s TLS certificate is valid until 2027-03-03.',
    });
  });

  it('warns under 14 days before expiry', () => {
    const check = tlsCertificateCheck(aCertificate({ validTo: new Date(NOW.getTime() + 13.5 * DAY_MS) }), NOW);

    expect(check).toMatchObject({
      status: HealthCheckStatus.Warn,
      detail: 'The directory’s TLS certificate expires in 13 days, on 2026-12-07.',
    });
  });

  it('passes at exactly 14 days', () => {
    const check = tlsCertificateCheck(aCertificate({ validTo: new Date(NOW.getTime() + 14 * DAY_MS) }), NOW);

    expect(check.status).toBe(HealthCheckStatus.Pass);
  });

  it('takes another warning threshold', () => {
    const check = tlsCertificateCheck(aCertificate({ validTo: new Date(NOW.getTime() + 20 * DAY_MS) }), NOW, 30);

    expect(check.status).toBe(HealthCheckStatus.Warn);
  });

  it('fails an expired certificate, whatever Node said', () => {
    const check = tlsCertificateCheck(aCertificate({ validTo: new Date(NOW.getTime() - DAY_MS) }), NOW);

    expect(check).toMatchObject({
      status: HealthCheckStatus.Fail,
      detail: 'The directory’s TLS certificate expired on 2026-11-22.',
    });
  });

  it('fails a certificate Node calls expired (CERT_HAS_EXPIRED) as expired', () => {
    const check = tlsCertificateCheck(aCertificate({ authorizationError: 'CERT_HAS_EXPIRED' }), NOW);

    expect(check.detail).toMatch(/expired on/);
  });

  it('fails a certificate not valid yet', () => {
    const check = tlsCertificateCheck(aCertificate({ validFrom: new Date(NOW.getTime() + DAY_MS) }), NOW);

    expect(check).toMatchObject({
      status: HealthCheckStatus.Fail,
      detail: expect.stringMatching(/not valid before/) as unknown,
    });
  });

  it.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT'])(
    'fails an untrusted certificate (%s) and names what to check',
    (authorizationError) => {
      const check = tlsCertificateCheck(aCertificate({ authorizationError }), NOW);

      expect(check).toMatchObject({
        status: HealthCheckStatus.Fail,
        detail: `The directory’s TLS certificate is not trusted (${authorizationError}): check the CA and the server name the agent is configured with.`,
      });
    },
  );
});

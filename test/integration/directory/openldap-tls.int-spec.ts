import { HealthCheckName, HealthCheckStatus, ResultCode, Secret, type HealthCheck } from '@sspr/contracts';
import { OpenLdapAdapter, type OpenLdapConfig } from '@sspr/directory';
import { startSlapd, type SlapdHandle } from '@sspr/test-support';

const DAY_MS = 86_400_000;

function configFor(slapd: SlapdHandle, overrides: Partial<OpenLdapConfig> = {}): OpenLdapConfig {
  const tls = slapd.tls!;
  return {
    url: tls.url,
    bindDn: slapd.serviceDn,
    bindPassword: new Secret(slapd.servicePassword),
    baseDn: slapd.baseDn,
    tls: { ca: tls.caPem, servername: tls.servername },
    ...overrides,
  };
}

function certificateCheck(checks: HealthCheck[]): HealthCheck | undefined {
  return checks.find((c) => c.name === HealthCheckName.TlsCertificate);
}

async function health(config: OpenLdapConfig) {
  const adapter = new OpenLdapAdapter(config);
  try {
    return await adapter.checkHealth();
  } finally {
    await adapter.close();
  }
}

describe('OpenLdapAdapter over LDAPS: the tls_certificate health check', () => {
  describe('with a certificate valid for years', () => {
    let slapd: SlapdHandle;

    beforeAll(async () => {
      slapd = await startSlapd({ tls: {} });
    });

    afterAll(async () => {
      await slapd?.destroy();
    });

    it('passes, between the bind account and the capabilities checks', async () => {
      const report = await health(configFor(slapd));

      expect(report.reachable).toBe(true);
      expect(report.checks.map((c) => [c.name, c.status])).toEqual([
        [HealthCheckName.BindAccount, HealthCheckStatus.Pass],
        [HealthCheckName.TlsCertificate, HealthCheckStatus.Pass],
        [HealthCheckName.ServerCapabilities, HealthCheckStatus.Pass],
      ]);
    });

    it('fails, and says what to check, when the CA is not the one that signed the certificate', async () => {
      const report = await health(configFor(slapd, { tls: { servername: slapd.tls!.servername } }));

      expect(report.reachable).toBe(false);
      expect(report.error?.code).toBe(ResultCode.ConfigurationError);
      expect(certificateCheck(report.checks)?.status).toBe(HealthCheckStatus.Fail);
      expect(certificateCheck(report.checks)?.detail).toMatch(/not trusted .*check the CA and the server name/);
    });

    it('is absent on a plain ldap:// connection, which has no certificate', async () => {
      const report = await health(configFor(slapd, { url: slapd.url, tls: undefined }));

      expect(certificateCheck(report.checks)).toBeUndefined();
    });
  });

  describe('with a certificate that expires in ten days', () => {
    let slapd: SlapdHandle;

    beforeAll(async () => {
      slapd = await startSlapd({
        tls: {
          certificate: { notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + 10.5 * DAY_MS) },
        },
      });
    });

    afterAll(async () => {
      await slapd?.destroy();
    });

    it('warns with the days left', async () => {
      const report = await health(configFor(slapd));

      expect(report.reachable).toBe(true);
      expect(certificateCheck(report.checks)?.status).toBe(HealthCheckStatus.Warn);
      expect(certificateCheck(report.checks)?.detail).toMatch(/expires in 10 days/);
    });
  });
});

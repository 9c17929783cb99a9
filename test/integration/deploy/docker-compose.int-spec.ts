import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Docker cannot run here, so the compose file is kept honest by review and by these checks.
const root = join(__dirname, '..', '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { build?: { dockerfile: string; target: string }; environment?: Record<string, string> }>;
};
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dockerfile = readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8');

const PROMISED = ['postgres', 'rabbitmq', 'openldap', 'mailcatcher', 'cloud', 'agent'];

describe('docker-compose.yml', () => {
  it('names every service the README promises', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(PROMISED));
    for (const service of PROMISED) expect(readme).toContain(`\`${service}\``);
  });

  it('builds only targets that exist in deploy/Dockerfile', () => {
    const targets = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const service of Object.values(compose.services)) {
      if (!service.build) continue;
      expect(service.build.dockerfile).toBe('deploy/Dockerfile');
      expect(targets).toContain(service.build.target);
    }
  });

  it('gives the cloud every variable its configuration requires', () => {
    const env = compose.services['cloud']?.environment ?? {};
    for (const name of ['DATABASE_URL', 'AMQP_URL', 'CLOUD_MASTER_KEY', 'CLOUD_OPERATOR_TOKEN', 'HTTP_HOST']) {
      expect(env).toHaveProperty(name);
    }
  });

  it('gives the agent every variable its configuration requires', () => {
    const env = compose.services['agent']?.environment ?? {};
    for (const name of [
      'AMQP_URL',
      'LDAP_URL',
      'LDAP_BIND_DN',
      'LDAP_BIND_PASSWORD',
      'LDAP_BASE_DN',
      'AGENT_STATE_DIR',
    ]) {
      expect(env).toHaveProperty(name);
    }
  });
});

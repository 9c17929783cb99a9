import { loadAgentConfig } from './agent.config';
import { ConfigError } from './env';

const valid = {
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  LDAP_URL: 'ldap://127.0.0.1:389',
  LDAP_BIND_DN: 'cn=sspr-agent,ou=services,dc=example,dc=test',
  LDAP_BIND_PASSWORD: 'Service-Pass-123',
  LDAP_BASE_DN: 'dc=example,dc=test',
};

describe('loadAgentConfig', () => {
  it('applies the defaults and keeps the bind password redacted', () => {
    const config = loadAgentConfig(valid);
    expect(config).toMatchObject({ prefetch: 128, heartbeatIntervalMs: 10_000, allowProtectedAccounts: false });
    expect(config.ldap.bindPassword.reveal()).toBe('Service-Pass-123');
    expect(JSON.stringify(config)).not.toContain('Service-Pass-123');
  });

  it('passes the protected-account filter on to the directory settings', () => {
    const config = loadAgentConfig({ ...valid, LDAP_PROTECTED_FILTER: '(employeeType=admin)' });
    expect(config.ldap.protectedFilter).toBe('(employeeType=admin)');
  });

  it('converts numbers and booleans from their string form', () => {
    const config = loadAgentConfig({ ...valid, AGENT_PREFETCH: '8', AGENT_ALLOW_PROTECTED_ACCOUNTS: 'true' });
    expect(config).toMatchObject({ prefetch: 8, allowProtectedAccounts: true });
  });

  it.each([
    ['LDAP_URL', { LDAP_URL: 'http://dc1' }],
    ['AMQP_URL', { AMQP_URL: 'localhost:5672' }],
    ['AGENT_PREFETCH', { AGENT_PREFETCH: 'lots' }],
    ['LDAP_TIMEOUT_MS', { LDAP_TIMEOUT_MS: '5' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'chatty' }],
  ])('refuses a bad %s and names it', (name, override) => {
    expect(() => loadAgentConfig({ ...valid, ...override })).toThrow(new RegExp(name));
  });

  it('reads the directory kind, TLS settings and sync scope', () => {
    const config = loadAgentConfig({
      ...valid,
      LDAP_DIRECTORY_KIND: 'active_directory',
      LDAP_STARTTLS: 'true',
      LDAP_TLS_SERVERNAME: 'dc1.example.test',
      AD_POLICY_HINTS: 'require',
      SYNC_BASE_DN: 'ou=people,dc=example,dc=test',
      SYNC_INTERVAL_MS: '5000',
    });
    expect(config.ldap).toMatchObject({
      kind: 'active_directory',
      startTls: true,
      servername: 'dc1.example.test',
      policyHints: 'require',
    });
    expect(config.sync).toMatchObject({ enabled: true, baseDn: 'ou=people,dc=example,dc=test', intervalMs: 5000 });
  });

  it('defaults the sync base DN to the directory base DN', () => {
    expect(loadAgentConfig(valid).sync.baseDn).toBe('dc=example,dc=test');
  });

  it('names a CA file it cannot read', () => {
    expect(() => loadAgentConfig({ ...valid, LDAP_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/LDAP_CA_FILE.*ENOENT/);
  });

  it.each([
    ['LDAP_DIRECTORY_KIND', { LDAP_DIRECTORY_KIND: 'novell' }],
    ['AD_POLICY_HINTS', { AD_POLICY_HINTS: 'maybe' }],
    ['SYNC_INTERVAL_MS', { SYNC_INTERVAL_MS: '10' }],
  ])('refuses a bad %s', (name, override) => {
    expect(() => loadAgentConfig({ ...valid, ...override })).toThrow(new RegExp(name));
  });

  it('requires a bind password from the environment or a file', () => {
    const { LDAP_BIND_PASSWORD: _omitted, ...rest } = valid;
    expect(() => loadAgentConfig(rest)).toThrow(ConfigError);
  });
});

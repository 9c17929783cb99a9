import { ActiveDirectoryAdapter, OpenLdapAdapter } from '@sspr/directory';
import { loadAgentConfig } from './config/agent.config';
import { ConfigError } from './config/env';
import { createDirectory } from './directory.factory';

const base = {
  LDAP_BIND_DN: 'CN=sspr-agent,OU=Service Accounts,DC=example,DC=test',
  LDAP_BIND_PASSWORD: 'Service-Pass-123',
  LDAP_BASE_DN: 'DC=example,DC=test',
};

describe('createDirectory', () => {
  it('builds the adapter the configuration names', async () => {
    const ad = createDirectory(
      loadAgentConfig({ ...base, LDAP_URL: 'ldaps://dc1.example.test', LDAP_DIRECTORY_KIND: 'active_directory' }),
    );
    const ldap = createDirectory(loadAgentConfig({ ...base, LDAP_URL: 'ldap://127.0.0.1:389' }));
    expect(ad).toBeInstanceOf(ActiveDirectoryAdapter);
    expect(ldap).toBeInstanceOf(OpenLdapAdapter);
    await Promise.all([ad.close(), ldap.close()]);
  });

  it('refuses Active Directory over a plain connection, saying why', () => {
    const config = loadAgentConfig({
      ...base,
      LDAP_URL: 'ldap://dc1.example.test',
      LDAP_DIRECTORY_KIND: 'active_directory',
    });
    expect(() => createDirectory(config)).toThrow(ConfigError);
    expect(() => createDirectory(config)).toThrow(/LDAP_URL: .*(TLS|encrypt|ldaps)/i);
  });

  it('accepts Active Directory over StartTLS', async () => {
    const ad = createDirectory(
      loadAgentConfig({
        ...base,
        LDAP_URL: 'ldap://dc1.example.test',
        LDAP_DIRECTORY_KIND: 'active_directory',
        LDAP_STARTTLS: 'true',
      }),
    );
    expect(ad).toBeInstanceOf(ActiveDirectoryAdapter);
    await ad.close();
  });

  it('refuses StartTLS for OpenLDAP, which takes ldaps:// instead', () => {
    const config = loadAgentConfig({ ...base, LDAP_URL: 'ldap://127.0.0.1:389', LDAP_STARTTLS: 'true' });
    expect(() => createDirectory(config)).toThrow(/LDAP_STARTTLS/);
  });
});

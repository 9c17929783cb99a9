import { DirectoryKind } from '@sspr/contracts';
import { ActiveDirectoryAdapter, DirectoryError, OpenLdapAdapter, type DirectoryAdapter } from '@sspr/directory';
import type { AgentConfig } from './config/agent.config';
import { ConfigError } from './config/env';

/**
 * The directory adapter the configuration names. An adapter refuses a setting it cannot work with (e.g. AD over
 * a plain connection) when it is built: that stops the agent at start with the reason, like any bad setting.
 */
export function createDirectory(config: AgentConfig): DirectoryAdapter {
  try {
    return build(config);
  } catch (err) {
    if (err instanceof DirectoryError) throw new ConfigError(`invalid configuration:\n  LDAP_URL: ${err.detail}`);
    throw err;
  }
}

function build(config: AgentConfig): DirectoryAdapter {
  const { ldap } = config;
  const tls =
    ldap.ca !== undefined || ldap.servername !== undefined ? { ca: ldap.ca, servername: ldap.servername } : undefined;
  const common = {
    url: ldap.url,
    bindDn: ldap.bindDn,
    bindPassword: ldap.bindPassword,
    baseDn: ldap.baseDn,
    timeoutMs: ldap.timeoutMs,
    allowProtectedAccounts: config.allowProtectedAccounts,
    tls,
  };
  if (ldap.kind === DirectoryKind.ActiveDirectory) {
    return new ActiveDirectoryAdapter({ ...common, startTls: ldap.startTls, policyHints: ldap.policyHints });
  }
  if (ldap.startTls) {
    throw new ConfigError(
      'invalid configuration:\n  LDAP_STARTTLS: supported for Active Directory; for OpenLDAP use an ldaps:// URL',
    );
  }
  return new OpenLdapAdapter({ ...common, protectedFilter: ldap.protectedFilter });
}

import { DirectoryKind } from '@sspr/contracts';
import {
  ActiveDirectoryAdapter,
  ActiveDirectorySyncSource,
  DirectoryError,
  OpenLdapAdapter,
  OpenLdapSyncSource,
  type DirectoryAdapter,
  type DirectorySyncSource,
  type SyncIssue,
} from '@sspr/directory';
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
  const common = { ...connection(ldap), baseDn: ldap.baseDn, allowProtectedAccounts: config.allowProtectedAccounts };
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

/** The identity reader for the configured directory and scope; null when sync is disabled. */
export function createSyncSource(config: AgentConfig, onIssue: (issue: SyncIssue) => void): DirectorySyncSource | null {
  const { ldap, sync } = config;
  if (!sync.enabled) return null;
  const settings = {
    ...connection(ldap),
    startTls: ldap.startTls,
    baseDn: sync.baseDn,
    userFilter: sync.userFilter,
    groupFilter: sync.groupFilter,
    upnSuffix: sync.upnSuffix,
    onIssue,
  };
  try {
    return ldap.kind === DirectoryKind.ActiveDirectory
      ? new ActiveDirectorySyncSource(settings)
      : new OpenLdapSyncSource(settings);
  } catch (err) {
    if (err instanceof DirectoryError) throw new ConfigError(`invalid configuration:\n  SYNC_*: ${err.detail}`);
    throw err;
  }
}

/** Where and as whom to connect; TLS options only when set (ldapts turns TLS on for any tlsOptions value). */
function connection(ldap: AgentConfig['ldap']) {
  const tls =
    ldap.ca !== undefined || ldap.servername !== undefined ? { ca: ldap.ca, servername: ldap.servername } : undefined;
  return { url: ldap.url, bindDn: ldap.bindDn, bindPassword: ldap.bindPassword, timeoutMs: ldap.timeoutMs, tls };
}

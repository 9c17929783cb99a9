/** The only place the harness reads the environment: endpoints of services a CI or a developer provides. */

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Set when the broker is given from outside; then the harness may not be able to add vhosts. */
export const AMQP_URL_FROM_ENV = process.env.AMQP_URL;
export const AMQP_URL = AMQP_URL_FROM_ENV ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A directory provided from outside (`LDAP_URL` and friends), instead of a slapd the harness starts. */
export interface LdapEndpoint {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
}

/** The directory given by `LDAP_URL`, `LDAP_BIND_DN`, `LDAP_BIND_PASSWORD`, `LDAP_BASE_DN`; undefined when `LDAP_URL` is not set. */
export function ldapEndpointFromEnv(env: NodeJS.ProcessEnv = process.env): LdapEndpoint | undefined {
  const url = env.LDAP_URL;
  if (!url) return undefined;
  const missing = ['LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN'].filter((name) => !env[name]);
  if (missing.length > 0)
    throw new Error(`LDAP_URL is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not`);
  return {
    url,
    bindDn: env.LDAP_BIND_DN ?? '',
    bindPassword: env.LDAP_BIND_PASSWORD ?? '',
    baseDn: env.LDAP_BASE_DN ?? '',
  };
}

import { readFileSync } from 'node:fs';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DirectoryKind, Secret } from '@sspr/contracts';
import { ConfigError, loadEnv } from './env';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && value !== '' ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** What `sspr-agent register` needs. */
export class RegisterEnv {
  @IsString()
  @IsNotEmpty()
  AGENT_STATE_DIR = './agent-state';
}

/** What `sspr-agent run` needs: validated once at start (STYLE: config read in one place). */
export class AgentEnv extends RegisterEnv {
  @Matches(/^amqps?:\/\//, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @Matches(/^ldaps?:\/\//, { message: 'LDAP_URL must be an ldap:// or ldaps:// URL' })
  LDAP_URL!: string;

  /** Which directory the agent writes to: `openldap` (slapd with ppolicy) or `active_directory`. */
  @IsIn(Object.values(DirectoryKind))
  LDAP_DIRECTORY_KIND: DirectoryKind = DirectoryKind.OpenLdap;

  /** PEM file of the CA that signed the directory's certificate, when the system store lacks it. */
  @IsOptional()
  @IsString()
  LDAP_CA_FILE?: string;

  /** The name the directory's certificate is checked against, when LDAP_URL uses an address (e.g. dc1.example.test). */
  @IsOptional()
  @IsString()
  LDAP_TLS_SERVERNAME?: string;

  /** Upgrade an ldap:// connection with StartTLS (Active Directory requires TLS for password writes). */
  @Transform(toBool)
  @IsBoolean()
  LDAP_STARTTLS = false;

  /**
   * AD only: what to do when the DC does not offer LDAP_SERVER_POLICY_HINTS (history is then not checked on
   * admin resets). `enforce-if-supported`: reset anyway; `require`: refuse admin resets with a configuration error.
   */
  @IsIn(['enforce-if-supported', 'require'])
  AD_POLICY_HINTS: 'enforce-if-supported' | 'require' = 'enforce-if-supported';

  @IsString()
  @IsNotEmpty()
  LDAP_BIND_DN!: string;

  @IsOptional()
  @IsString()
  LDAP_BIND_PASSWORD?: string;

  @IsOptional()
  @IsString()
  LDAP_BIND_PASSWORD_FILE?: string;

  @IsString()
  @IsNotEmpty()
  LDAP_BASE_DN!: string;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  LDAP_TIMEOUT_MS = 5000;

  /** RFC 4515 filter naming protected (admin) accounts, e.g. (memberOf=cn=admins,ou=groups,dc=example,dc=test). */
  @IsOptional()
  @IsString()
  LDAP_PROTECTED_FILTER?: string;

  @Transform(toBool)
  @IsBoolean()
  AGENT_ALLOW_PROTECTED_ACCOUNTS = false;

  /**
   * Commands in hand at once. A command is held until the broker confirms its result (so no verdict is
   * lost), about 30-60 ms under load here; to keep the directory busy at ~1,500 writes/s the window
   * must cover that (Little's law: 1,500/s x 60 ms = 90).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  AGENT_PREFETCH = 128;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  AGENT_HEARTBEAT_INTERVAL_MS = 10_000;

  /** Identity sync (users, groups, membership, contact attributes) from the directory to the cloud. */
  @Transform(toBool)
  @IsBoolean()
  SYNC_ENABLED = true;

  /** Where identities are read from; default LDAP_BASE_DN. */
  @IsOptional()
  @IsString()
  SYNC_BASE_DN?: string;

  @IsOptional()
  @IsString()
  SYNC_USER_FILTER?: string;

  @IsOptional()
  @IsString()
  SYNC_GROUP_FILTER?: string;

  /** OpenLDAP: users' sign-in names are uid@suffix; default from the base DN's dc= parts. */
  @IsOptional()
  @IsString()
  SYNC_UPN_SUFFIX?: string;

  /** Delta sync every interval. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  SYNC_INTERVAL_MS = 120_000;

  /** A full run (which also reconciles deletions in the cloud) this often. */
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  @Max(7 * 86_400_000)
  SYNC_FULL_INTERVAL_MS = 86_400_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export interface AgentConfig {
  stateDir: string;
  amqpUrl: string;
  ldap: {
    url: string;
    bindDn: string;
    bindPassword: Secret;
    baseDn: string;
    timeoutMs: number;
    protectedFilter?: string;
    kind: DirectoryKind;
    /** PEM contents of LDAP_CA_FILE. */
    ca?: string;
    servername?: string;
    startTls: boolean;
    policyHints: 'enforce-if-supported' | 'require';
  };
  sync: {
    enabled: boolean;
    baseDn: string;
    userFilter?: string;
    groupFilter?: string;
    upnSuffix?: string;
    intervalMs: number;
    fullIntervalMs: number;
  };
  allowProtectedAccounts: boolean;
  prefetch: number;
  heartbeatIntervalMs: number;
  logLevel: string;
}

function readConfigFile(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `invalid configuration:\n  ${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
}

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const e = loadEnv(AgentEnv, env);
  let password = e.LDAP_BIND_PASSWORD;
  if (e.LDAP_BIND_PASSWORD_FILE)
    password = readConfigFile(e.LDAP_BIND_PASSWORD_FILE, 'LDAP_BIND_PASSWORD_FILE').trimEnd();
  if (!password)
    throw new ConfigError('invalid configuration:\n  LDAP_BIND_PASSWORD or LDAP_BIND_PASSWORD_FILE is required');
  return {
    stateDir: e.AGENT_STATE_DIR,
    amqpUrl: e.AMQP_URL,
    ldap: {
      url: e.LDAP_URL,
      bindDn: e.LDAP_BIND_DN,
      bindPassword: new Secret(password),
      baseDn: e.LDAP_BASE_DN,
      timeoutMs: e.LDAP_TIMEOUT_MS,
      protectedFilter: e.LDAP_PROTECTED_FILTER,
      kind: e.LDAP_DIRECTORY_KIND,
      ca: e.LDAP_CA_FILE ? readConfigFile(e.LDAP_CA_FILE, 'LDAP_CA_FILE') : undefined,
      servername: e.LDAP_TLS_SERVERNAME,
      startTls: e.LDAP_STARTTLS,
      policyHints: e.AD_POLICY_HINTS,
    },
    sync: {
      enabled: e.SYNC_ENABLED,
      baseDn: e.SYNC_BASE_DN ?? e.LDAP_BASE_DN,
      userFilter: e.SYNC_USER_FILTER,
      groupFilter: e.SYNC_GROUP_FILTER,
      upnSuffix: e.SYNC_UPN_SUFFIX,
      intervalMs: e.SYNC_INTERVAL_MS,
      fullIntervalMs: e.SYNC_FULL_INTERVAL_MS,
    },
    allowProtectedAccounts: e.AGENT_ALLOW_PROTECTED_ACCOUNTS,
    prefetch: e.AGENT_PREFETCH,
    heartbeatIntervalMs: e.AGENT_HEARTBEAT_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
  };
}

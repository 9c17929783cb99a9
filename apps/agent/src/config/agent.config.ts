import { readFileSync } from 'node:fs';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Secret } from '@sspr/contracts';
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
  };
  allowProtectedAccounts: boolean;
  prefetch: number;
  heartbeatIntervalMs: number;
  logLevel: string;
}

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const e = loadEnv(AgentEnv, env);
  let password = e.LDAP_BIND_PASSWORD;
  if (e.LDAP_BIND_PASSWORD_FILE) password = readFileSync(e.LDAP_BIND_PASSWORD_FILE, 'utf8').trimEnd();
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
    },
    allowProtectedAccounts: e.AGENT_ALLOW_PROTECTED_ACCOUNTS,
    prefetch: e.AGENT_PREFETCH,
    heartbeatIntervalMs: e.AGENT_HEARTBEAT_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
  };
}

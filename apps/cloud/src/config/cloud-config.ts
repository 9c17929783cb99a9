import type { KeyObject } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MinLength,
  Min,
  Validate,
  validateSync,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Secret } from '@sspr/contracts';
import { masterKeyFromBase64 } from '@sspr/crypto';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

@ValidatorConstraint({ name: 'masterKey' })
class IsMasterKey implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32
    );
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`;
  }
}

@ValidatorConstraint({ name: 'marginBelowDeadline' })
class IsBelowDeadline implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const env = args.object as CloudEnv;
    return typeof value === 'number' && value < env.WRITEBACK_DEADLINE_MS;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be smaller than WRITEBACK_DEADLINE_MS`;
  }
}

/** The cloud's environment, validated once at boot; `process.env` is read nowhere else. */
export class CloudEnv {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'DATABASE_MIGRATE must be true or false' })
  DATABASE_MIGRATE: boolean = true;

  @Matches(/^amqps?:\/\/\S+$/, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HTTP_HOST: string = '127.0.0.1';

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'HTTP_PORT must be an integer' })
  @Min(0)
  @Max(65535)
  HTTP_PORT: number = 3000;

  @Validate(IsMasterKey)
  CLOUD_MASTER_KEY!: string;

  @IsString({ message: 'CLOUD_OPERATOR_TOKEN must be set' })
  @MinLength(16, { message: 'CLOUD_OPERATOR_TOKEN must be at least 16 characters' })
  CLOUD_OPERATOR_TOKEN!: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'WRITEBACK_DEADLINE_MS must be an integer (milliseconds)' })
  @Min(100)
  @Max(600_000)
  WRITEBACK_DEADLINE_MS: number = 30_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'WRITEBACK_SAFETY_MARGIN_MS must be an integer (milliseconds)' })
  @Min(0)
  @Validate(IsBelowDeadline)
  WRITEBACK_SAFETY_MARGIN_MS: number = 2_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'AGENT_HEARTBEAT_INTERVAL_MS must be an integer (milliseconds)' })
  @Min(50)
  AGENT_HEARTBEAT_INTERVAL_MS: number = 10_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'USER_SESSION_TTL_MS must be an integer (milliseconds)' })
  @Min(60_000)
  @Max(86_400_000)
  USER_SESSION_TTL_MS: number = 3_600_000;

  /** Requests per minute one network address may make to each public (end-user and agent) endpoint. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PUBLIC_RATE_LIMIT_PER_MINUTE must be an integer' })
  @Min(1)
  @Max(1_000_000)
  PUBLIC_RATE_LIMIT_PER_MINUTE: number = 30;

  /**
   * Behind a reverse proxy: Express's `trust proxy` (a hop count, or e.g. `loopback`), so the client's
   * address, which the rate limits count by, comes from X-Forwarded-For. Unset: the socket's address.
   */
  @IsOptional()
  @IsString()
  HTTP_TRUST_PROXY?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
}

const ENV_VARIABLES = [
  'DATABASE_URL',
  'DATABASE_MIGRATE',
  'AMQP_URL',
  'HTTP_HOST',
  'HTTP_PORT',
  'CLOUD_MASTER_KEY',
  'CLOUD_OPERATOR_TOKEN',
  'WRITEBACK_DEADLINE_MS',
  'WRITEBACK_SAFETY_MARGIN_MS',
  'AGENT_HEARTBEAT_INTERVAL_MS',
  'USER_SESSION_TTL_MS',
  'PUBLIC_RATE_LIMIT_PER_MINUTE',
  'HTTP_TRUST_PROXY',
  'LOG_LEVEL',
] as const satisfies readonly (keyof CloudEnv)[];

/** The validated configuration, injected by class everywhere it is needed. */
export class CloudConfig {
  constructor(
    readonly databaseUrl: string,
    readonly databaseMigrate: boolean,
    readonly amqpUrl: string,
    readonly http: { host: string; port: number },
    /** Encrypts the tenants' private signing keys at rest. */
    readonly masterKey: KeyObject,
    readonly operatorToken: Secret,
    readonly writeback: { deadlineMs: number; safetyMarginMs: number },
    readonly agentHeartbeatIntervalMs: number,
    readonly logLevel: LogLevel,
    /** How long a user's sign-in session lasts (a session that may only change the password: at most 15 min). */
    readonly userSessionTtlMs: number,
    /** Per network address and public endpoint (SPEC §3.7). */
    readonly publicRateLimitPerMinute: number = 30,
    /** Express `trust proxy`, when the cloud runs behind a reverse proxy. */
    readonly trustProxy?: string | number,
  ) {}

  /** An agent whose last heartbeat is older than this is not responding (three intervals). */
  get heartbeatFreshnessMs(): number {
    return 3 * this.agentHeartbeatIntervalMs;
  }

  /** How agents' health is judged (freshness, clock skew against the writeback safety margin). */
  get healthPolicy(): { freshnessMs: number; clockSkewFailMs: number } {
    return { freshnessMs: this.heartbeatFreshnessMs, clockSkewFailMs: this.writeback.safetyMarginMs };
  }
}

/** A bad environment: the message names every offending variable and never echoes a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates the environment once; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): CloudConfig {
  // Only our own variables, and an empty one counts as unset (so its default applies).
  const known = Object.fromEntries(
    ENV_VARIABLES.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]),
  );
  const parsed = plainToInstance(CloudEnv, known, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return new CloudConfig(
    parsed.DATABASE_URL,
    parsed.DATABASE_MIGRATE,
    parsed.AMQP_URL,
    { host: parsed.HTTP_HOST, port: parsed.HTTP_PORT },
    masterKeyFromBase64(parsed.CLOUD_MASTER_KEY),
    new Secret(parsed.CLOUD_OPERATOR_TOKEN),
    { deadlineMs: parsed.WRITEBACK_DEADLINE_MS, safetyMarginMs: parsed.WRITEBACK_SAFETY_MARGIN_MS },
    parsed.AGENT_HEARTBEAT_INTERVAL_MS,
    parsed.LOG_LEVEL,
    parsed.USER_SESSION_TTL_MS,
    parsed.PUBLIC_RATE_LIMIT_PER_MINUTE,
    parsed.HTTP_TRUST_PROXY === undefined || !/^\d+$/.test(parsed.HTTP_TRUST_PROXY)
      ? parsed.HTTP_TRUST_PROXY
      : Number(parsed.HTTP_TRUST_PROXY),
  );
}

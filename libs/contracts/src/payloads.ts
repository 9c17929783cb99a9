import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEnum,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CredentialVerdict,
  HealthCheckName,
  HealthCheckStatus,
  PolicyReason,
  ResultCode,
  ResetHistoryPolicy,
  DirectoryKind,
} from './codes';
import { MessageType } from './message-types';

/** Objects (users + groups + deletions, each) in one directory.sync.v1 batch. */
export const SYNC_BATCH_MAX = 500;
/** Direct members of one group in one message; a larger group is refused by the agent with a clear log line. */
export const SYNC_GROUP_MEMBERS_MAX = 20_000;

/** Where the user lives on-premises: the immutable anchor first, the DN as a fallback. */
export class DirectoryTarget {
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  dn!: string;

  /** entryUUID (OpenLDAP) or objectGUID (AD), canonical string form. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  immutableId?: string;
}

/** One recipient of a JWE in General JSON Serialization (RFC 7516 §7.2.1). */
export class JweRecipient {
  @IsOptional()
  @IsObject()
  header?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  encrypted_key?: string;
}

/** A secret sealed to the tenant's agents; only an agent's private key opens it. */
export class SealedSecret {
  @IsString()
  @IsNotEmpty()
  protected!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => JweRecipient)
  recipients!: JweRecipient[];

  @IsString()
  iv!: string;

  @IsString()
  @IsNotEmpty()
  ciphertext!: string;

  @IsString()
  tag!: string;

  /** Binds the secret to its command (base64url of the command id). */
  @IsString()
  aad!: string;
}

export class PasswordResetV1 {
  @IsUUID()
  userId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DirectoryTarget)
  target!: DirectoryTarget;

  @IsDefined()
  @ValidateNested()
  @Type(() => SealedSecret)
  secret!: SealedSecret;

  @IsBoolean()
  mustChangeAtNextSignIn!: boolean;

  @IsBoolean()
  unlock!: boolean;
}

/** A user change (the user knows the current password): the directory applies history and minimum age. */
export class PasswordChangeV1 {
  @IsUUID()
  userId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DirectoryTarget)
  target!: DirectoryTarget;

  @IsDefined()
  @ValidateNested()
  @Type(() => SealedSecret)
  currentSecret!: SealedSecret;

  @IsDefined()
  @ValidateNested()
  @Type(() => SealedSecret)
  newSecret!: SealedSecret;
}

/** Pass-through sign-in: the agent binds as the user and answers with a CredentialVerdict. */
export class CredentialsVerifyV1 {
  @IsUUID()
  userId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DirectoryTarget)
  target!: DirectoryTarget;

  @IsDefined()
  @ValidateNested()
  @Type(() => SealedSecret)
  secret!: SealedSecret;
}

export class AccountUnlockV1 {
  @IsUUID()
  userId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DirectoryTarget)
  target!: DirectoryTarget;
}

/** The signed no-op of "test connection": travels the whole path, touches nothing. */
export class ConnectionTestV1 {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  nonce!: string;
}

export class WritebackResultV1 {
  @IsUUID()
  commandId!: string;

  @IsEnum(MessageType)
  commandType!: MessageType;

  @IsUUID()
  agentId!: string;

  @IsEnum(ResultCode)
  code!: ResultCode;

  @IsOptional()
  @IsEnum(PolicyReason)
  reason?: PolicyReason;

  /** Our own words for an operator (never raw directory text). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  detail?: string;

  /** The bind's verdict, for credentials.verify.v1 (with code `applied`: the check was made). */
  @IsOptional()
  @IsEnum(CredentialVerdict)
  credential?: CredentialVerdict;

  @IsInt()
  @Min(0)
  durationMs!: number;

  @IsISO8601()
  completedAt!: string;
}

export class DirectoryHealth {
  @IsBoolean()
  reachable!: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  latencyMs?: number;

  @IsOptional()
  @IsEnum(ResultCode)
  error?: ResultCode;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  detail?: string;
}

/** One health check's outcome; `detail` is plain language for the admin page. */
export class HealthCheck {
  @IsEnum(HealthCheckName)
  name!: HealthCheckName;

  @IsEnum(HealthCheckStatus)
  status!: HealthCheckStatus;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  detail?: string;

  /** The measured figure, in the check's unit (days to expiry, milliseconds of skew, messages, seconds). */
  @IsOptional()
  @IsInt()
  value?: number;
}

export class LastResult {
  @IsEnum(ResultCode)
  code!: ResultCode;

  @IsISO8601()
  at!: string;
}

export class AgentHeartbeatV1 {
  @IsUUID()
  agentId!: string;

  @IsString()
  @MaxLength(64)
  version!: string;

  @IsString()
  @MaxLength(255)
  host!: string;

  @IsISO8601()
  startedAt!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DirectoryHealth)
  directory!: DirectoryHealth;

  @IsOptional()
  @ValidateNested()
  @Type(() => LastResult)
  lastResult?: LastResult;

  @IsOptional()
  @IsISO8601()
  lastAppliedAt?: string;

  @IsOptional()
  @IsEnum(DirectoryKind)
  directoryKind?: DirectoryKind;

  /** Whether an admin reset is checked against the password history (AD: policy hints control). */
  @IsOptional()
  @IsEnum(ResetHistoryPolicy)
  resetHistory?: ResetHistoryPolicy;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => HealthCheck)
  checks?: HealthCheck[];
}

/** A user as the agent reads it from the directory (identities only, never a password). */
export class SyncedUser {
  /** entryUUID or objectGUID, canonical lower-case string form. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  anchor!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  dn!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  userPrincipalName!: string;

  @IsString()
  @MaxLength(256)
  displayName!: string;

  @IsBoolean()
  enabled!: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  mail?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  mobile?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  telephoneNumber?: string;
}

export class SyncedGroup {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  anchor!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  dn!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** The DNs of the group's direct members (users or groups); nesting is resolved by the cloud. */
  @IsArray()
  @ArrayMaxSize(SYNC_GROUP_MEMBERS_MAX)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  memberDns!: string[];
}

export enum SyncMode {
  /** Everything in scope; at the end the cloud marks deleted whatever this run did not mention. */
  Full = 'full',
  /** What changed since the watermark, and what was deleted. */
  Delta = 'delta',
}

/**
 * One batch of a sync run. A run is `batchCount` messages with the same `syncId`, numbered from 0; they may
 * be processed in any order (competing consumers), and the last one to arrive completes the run.
 */
export class DirectorySyncV1 {
  @IsUUID()
  agentId!: string;

  @IsUUID()
  syncId!: string;

  @IsEnum(SyncMode)
  mode!: SyncMode;

  @IsInt()
  @Min(0)
  sequence!: number;

  @IsInt()
  @Min(1)
  batchCount!: number;

  @IsArray()
  @ArrayMaxSize(SYNC_BATCH_MAX)
  @ValidateNested({ each: true })
  @Type(() => SyncedUser)
  users!: SyncedUser[];

  @IsArray()
  @ArrayMaxSize(SYNC_BATCH_MAX)
  @ValidateNested({ each: true })
  @Type(() => SyncedGroup)
  groups!: SyncedGroup[];

  /** Anchors of users and groups deleted in the directory (delta runs). */
  @IsArray()
  @ArrayMaxSize(SYNC_BATCH_MAX)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  deletedAnchors!: string[];
}

/** The payload class for each message type; `parseMessage` looks the type up here. */
export const PAYLOAD_CLASSES = {
  [MessageType.PasswordReset]: PasswordResetV1,
  [MessageType.PasswordChange]: PasswordChangeV1,
  [MessageType.AccountUnlock]: AccountUnlockV1,
  [MessageType.CredentialsVerify]: CredentialsVerifyV1,
  [MessageType.ConnectionTest]: ConnectionTestV1,
  [MessageType.WritebackResult]: WritebackResultV1,
  [MessageType.AgentHeartbeat]: AgentHeartbeatV1,
  [MessageType.DirectorySync]: DirectorySyncV1,
} satisfies Record<MessageType, new () => object>;

export type PayloadOf<T extends MessageType> = InstanceType<(typeof PAYLOAD_CLASSES)[T]>;

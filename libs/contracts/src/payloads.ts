import { Type } from 'class-transformer';
import {
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
import { PolicyReason, ResultCode } from './codes';
import { MessageType } from './message-types';

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
}

/** The payload class for each message type; `parseMessage` looks the type up here. */
export const PAYLOAD_CLASSES = {
  [MessageType.PasswordReset]: PasswordResetV1,
  [MessageType.AccountUnlock]: AccountUnlockV1,
  [MessageType.ConnectionTest]: ConnectionTestV1,
  [MessageType.WritebackResult]: WritebackResultV1,
  [MessageType.AgentHeartbeat]: AgentHeartbeatV1,
} satisfies Record<MessageType, new () => object>;

export type PayloadOf<T extends MessageType> = InstanceType<(typeof PAYLOAD_CLASSES)[T]>;

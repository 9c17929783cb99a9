import { Type } from 'class-transformer';
import type { DirectoryKind, HealthCheck, ResetHistoryPolicy } from '@sspr/contracts';
import {
  Equals,
  IsEmpty,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { JWK } from 'jose';
import type { AgentHealth } from '../agent-health';

const PRIVATE_MEMBER = 'a private key member (d) must never leave the agent; send only the public key';

/** A public OKP key as a JWK. Any private member is refused, never stored. */
abstract class OkpPublicJwkDto {
  @Equals('OKP', { message: 'kty must be OKP' })
  kty!: 'OKP';

  abstract crv: string;

  /** 32 bytes, base64url. */
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'x must be a 32-byte public key in base64url' })
  x!: string;

  @IsEmpty({ message: PRIVATE_MEMBER })
  d?: unknown;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  kid?: string;

  @IsOptional()
  @IsString()
  @MaxLength(16)
  use?: string;

  @IsOptional()
  @IsString()
  @MaxLength(16)
  alg?: string;
}

/** The agent's key secrets are sealed to (ECDH-ES+A256KW). */
export class EncryptionJwkDto extends OkpPublicJwkDto {
  @IsIn(['X25519'], { message: 'encryption key crv must be X25519' })
  crv!: 'X25519';
}

/** The agent's key its replies are signed with (EdDSA). */
export class SigningJwkDto extends OkpPublicJwkDto {
  @IsIn(['Ed25519'], { message: 'signing key crv must be Ed25519' })
  crv!: 'Ed25519';
}

export class RegisterAgentDto {
  /** The one-time registration token an admin created. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  host!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  version!: string;

  @ValidateNested()
  @Type(() => EncryptionJwkDto)
  encryptionKey!: EncryptionJwkDto;

  @ValidateNested()
  @Type(() => SigningJwkDto)
  signingKey!: SigningJwkDto;
}

export interface RegistrationTokenView {
  token: string;
  expiresAt: string;
}

export interface AgentRegistrationView {
  agentId: string;
  tenantId: string;
  /** Pin it: every command is signed with it. */
  cloudSigningKey: { kid: string; publicJwk: JWK };
  commandQueue: string;
}

export interface AgentView {
  agentId: string;
  name: string;
  host: string;
  version: string;
  registeredAt: string;
  revokedAt: string | null;
  status: AgentHealth;
  lastHeartbeatAt: string | null;
  directory: { reachable: boolean; latencyMs?: number } | null;
  lastSuccessfulWritebackAt: string | null;
  directoryKind: DirectoryKind | null;
  /** Whether the directory checks admin resets against the password history (AD: policy hints). */
  resetHistory: ResetHistoryPolicy | null;
  /** The last heartbeat's checks, plus the clock skew the cloud measured. */
  checks: HealthCheck[];
  /** Why the agent is degraded, in plain words. */
  problems: string[];
}

/** Only the public members, as stored. */
export function publicJwk(dto: OkpPublicJwkDto): JWK {
  return { kty: dto.kty, crv: dto.crv, x: dto.x };
}

import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import type { Secret } from '@sspr/contracts';
import { SecretField } from '../../auth/dto/secret-field';
import { USER_SOURCES, type UserEntity, type UserSource } from '../user.entity';

export class CreateUserDto {
  @IsString()
  @MaxLength(256)
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'userPrincipalName must look like name@domain' })
  userPrincipalName!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  displayName!: string;

  @IsIn(USER_SOURCES)
  source!: UserSource;

  /** Required for a synced user: where the user lives on-premises. */
  @ValidateIf((o: CreateUserDto) => o.source === 'synced' || o.onPremDistinguishedName !== undefined)
  @IsString({ message: 'onPremDistinguishedName is required for a synced user' })
  @IsNotEmpty({ message: 'onPremDistinguishedName is required for a synced user' })
  @MaxLength(2048)
  onPremDistinguishedName?: string;

  /** The directory's immutable id (entryUUID / objectGUID), tried before the DN. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  onPremImmutableId?: string;

  /** A cloud-only user's first password (the cloud's rules apply); a synced user's lives in the directory. */
  @ValidateIf((o: CreateUserDto) => o.password !== undefined)
  @SecretField()
  password?: Secret;

  /** A cloud-only user must change the initial password at the first sign-in. */
  @IsOptional()
  @IsBoolean()
  mustChangeAtNextSignIn?: boolean;
}

export interface UserView {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  source: UserSource;
  onPremDistinguishedName: string | null;
  onPremImmutableId: string | null;
  enabled: boolean;
  mail: string | null;
  mobilePhone: string | null;
  officePhone: string | null;
  /** Deleted in the directory: kept for its history, but it can neither sign in nor be reset. */
  deleted: boolean;
  deletedAt: string | null;
  /** When a directory sync last mentioned the user; null for one no sync has seen. */
  lastSyncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(u: UserEntity): UserView {
  return {
    id: u.id,
    tenantId: u.tenantId,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    source: u.source,
    onPremDistinguishedName: u.onPremDistinguishedName,
    onPremImmutableId: u.onPremImmutableId,
    enabled: u.enabled,
    mail: u.mail,
    mobilePhone: u.mobilePhone,
    officePhone: u.officePhone,
    deleted: u.deletedAt !== null,
    deletedAt: u.deletedAt?.toISOString() ?? null,
    lastSyncedAt: u.lastSyncedAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

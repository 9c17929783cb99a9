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
  createdAt: string;
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
    createdAt: u.createdAt.toISOString(),
  };
}

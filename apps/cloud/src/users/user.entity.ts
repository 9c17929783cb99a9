import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from '../tenants/tenant.entity';

export const USER_SOURCES = ['synced', 'cloud'] as const;
export type UserSource = (typeof USER_SOURCES)[number];

@Entity('users')
// A deleted user keeps its row (and its history) but frees its UPN: a directory may re-create the account.
@Index('uq_users_tenant_upn', ['tenantId', 'userPrincipalName'], { unique: true, where: `"deleted_at" IS NULL` })
// An anchor is forever: a synced user that re-appears with it is the same user, even after a deletion.
@Index('uq_users_tenant_anchor', ['tenantId', 'onPremImmutableId'], {
  unique: true,
  where: `"on_prem_immutable_id" IS NOT NULL`,
})
// Group members are DNs; this resolves them to users.
@Index('ix_users_tenant_dn', ['tenantId', 'onPremDnNormalized'], { where: `"on_prem_dn_normalized" IS NOT NULL` })
@Check('ck_users_source', `"source" IN ('synced', 'cloud')`)
@Check('ck_users_synced_anchor', `"source" <> 'synced' OR "on_prem_distinguished_name" IS NOT NULL`)
// Only a cloud-only user has a password in the cloud, and only ever as an argon2id hash.
@Check(
  'ck_users_password_hash',
  `"password_hash" IS NULL OR ("source" = 'cloud' AND "password_hash" LIKE '$argon2id$%')`,
)
// Sign-in matches the user principal name case-insensitively; an expression index the migration owns.
@Index('ix_users_tenant_upn_lower', { synchronize: false })
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ name: 'user_principal_name', type: 'varchar', length: 256 })
  userPrincipalName!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 256 })
  displayName!: string;

  @Column({ type: 'varchar', length: 8 })
  source!: UserSource;

  @Column({ name: 'on_prem_distinguished_name', type: 'varchar', length: 2048, nullable: true })
  onPremDistinguishedName!: string | null;

  @Column({ name: 'on_prem_immutable_id', type: 'varchar', length: 64, nullable: true })
  onPremImmutableId!: string | null;

  /** `normalizeDn(onPremDistinguishedName)`: what group memberships are matched on. */
  @Column({ name: 'on_prem_dn_normalized', type: 'varchar', length: 2048, nullable: true })
  onPremDnNormalized!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Authentication contact info (SPEC §3.2), synced from `mail`, `mobile`, `telephoneNumber`. */
  @Column({ type: 'varchar', length: 256, nullable: true })
  mail!: string | null;

  @Column({ name: 'mobile_phone', type: 'varchar', length: 64, nullable: true })
  mobilePhone!: string | null;

  @Column({ name: 'office_phone', type: 'varchar', length: 64, nullable: true })
  officePhone!: string | null;

  /** Deleted in the directory: the row stays, but the user can neither sign in nor be reset. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /** When a sync batch last mentioned the user (changed or not); a full run deletes who it did not see. */
  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt!: Date | null;
  /** A cloud-only user's password (argon2id, PHC string); never selected unless asked for, never shown. */
  @Column({ name: 'password_hash', type: 'varchar', length: 256, nullable: true, select: false })
  passwordHash?: string | null;

  /** A cloud-only user must change their password at the next sign-in (set by an admin). */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

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
@Index('uq_users_tenant_upn', ['tenantId', 'userPrincipalName'], { unique: true })
@Check('ck_users_source', `"source" IN ('synced', 'cloud')`)
@Check('ck_users_synced_anchor', `"source" <> 'synced' OR "on_prem_distinguished_name" IS NOT NULL`)
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

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

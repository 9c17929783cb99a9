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

export const GROUP_SOURCES = ['synced', 'cloud'] as const;
export type GroupSource = (typeof GROUP_SOURCES)[number];

/** A group (SPEC §3.2): synced from the directory, with its members as DNs (group_members), or cloud-only. */
@Entity('groups')
@Index('uq_groups_tenant_anchor', ['tenantId', 'anchor'], { unique: true })
// Nested groups are members by DN; this resolves them.
@Index('ix_groups_tenant_dn', ['tenantId', 'dnNormalized'], { where: `"dn_normalized" IS NOT NULL` })
@Check('ck_groups_source', `"source" IN ('synced', 'cloud')`)
@Check('ck_groups_synced_anchor', `"source" <> 'synced' OR ("anchor" IS NOT NULL AND "dn" IS NOT NULL)`)
export class GroupEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 8 })
  source!: GroupSource;

  /** entryUUID / objectGUID of a synced group. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  anchor!: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  dn!: string | null;

  /** `normalizeDn(dn)`. */
  @Column({ name: 'dn_normalized', type: 'varchar', length: 2048, nullable: true })
  dnNormalized!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 256 })
  displayName!: string;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

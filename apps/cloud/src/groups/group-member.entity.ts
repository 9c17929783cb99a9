import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '../tenants/tenant.entity';
import { GroupEntity } from './group.entity';

/**
 * A direct member of a group, as the directory names it: a DN (normalized), of a user or of a group.
 * Kept as a DN, not an id, because the member may arrive in a later batch than its group, or never
 * (outside the sync's scope); nesting is resolved when read.
 */
@Entity('group_members')
// "Which groups is this DN in?" (a user's groups, a group's parents).
@Index('ix_group_members_tenant_member', ['tenantId', 'memberDn'])
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' })
  groupId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: GroupEntity;

  /** `normalizeDn()` of the member's DN. */
  @PrimaryColumn({ name: 'member_dn', type: 'varchar', length: 2048 })
  memberDn!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;
}

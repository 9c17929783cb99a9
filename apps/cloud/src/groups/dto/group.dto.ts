import { IsIn, IsOptional } from 'class-validator';
import type { UserView } from '../../users/dto/user.dto';
import type { GroupEntity, GroupSource } from '../group.entity';

/** `?transitive=true|false` (default false): follow nested groups. */
export class MembershipQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'transitive must be true or false' })
  transitive?: 'true' | 'false';
}

export interface GroupView {
  id: string;
  tenantId: string;
  source: GroupSource;
  displayName: string;
  onPremDistinguishedName: string | null;
  onPremImmutableId: string | null;
  deleted: boolean;
  deletedAt: string | null;
  lastSyncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A group's members: users, and the groups nested in it (direct ones, or all levels when transitive). */
export interface GroupMembersView {
  transitive: boolean;
  users: UserView[];
  groups: GroupView[];
}

export function toGroupView(g: GroupEntity): GroupView {
  return {
    id: g.id,
    tenantId: g.tenantId,
    source: g.source,
    displayName: g.displayName,
    onPremDistinguishedName: g.dn,
    onPremImmutableId: g.anchor,
    deleted: g.deletedAt !== null,
    deletedAt: g.deletedAt?.toISOString() ?? null,
    lastSyncedAt: g.lastSyncedAt?.toISOString() ?? null,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
  };
}

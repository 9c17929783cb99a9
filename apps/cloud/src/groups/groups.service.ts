import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../common/domain-error';
import { SqlService } from '../database/sql.service';
import { toUserView } from '../users/dto/user.dto';
import { UserEntity } from '../users/user.entity';
import { toGroupView, type GroupMembersView, type GroupView } from './dto/group.dto';
import { GroupEntity } from './group.entity';

const LIST_LIMIT = 1_000;

/**
 * Groups and membership as read by admins. Members are DNs (group_members.member_dn, normalized) matched
 * to users' and groups' normalized DNs; nesting is followed with recursive CTEs whose UNION drops rows
 * already found, so a cycle of groups ends instead of looping. Deleted users and groups are not members,
 * and membership does not pass through a deleted group.
 */
@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly sql: SqlService,
  ) {}

  async list(tenantId: string): Promise<GroupView[]> {
    const rows = await this.groups.find({
      where: { tenantId },
      order: { displayName: 'ASC', id: 'ASC' },
      take: LIST_LIMIT,
    });
    return rows.map(toGroupView);
  }

  async members(tenantId: string, groupId: string, transitive: boolean): Promise<GroupMembersView> {
    const group = await this.groups.findOneBy({ tenantId, id: groupId });
    if (!group) throw new DomainError(ErrorCode.GroupNotFound);
    // The groups whose members count: the group itself, and with transitive every group nested in it.
    const scope = transitive
      ? `WITH RECURSIVE scope(id) AS (
           SELECT $2::uuid
           UNION
           SELECT child.id
             FROM scope s
             JOIN group_members m ON m.tenant_id = $1::uuid AND m.group_id = s.id
             JOIN groups child ON child.tenant_id = $1::uuid AND child.dn_normalized = m.member_dn
                              AND child.deleted_at IS NULL
         )`
      : `WITH scope(id) AS (SELECT $2::uuid)`;
    const { rows } = await this.sql.query<{ kind: 'user' | 'group'; id: string }>(
      `${scope}
       SELECT 'user' AS kind, u.id
         FROM scope s
         JOIN group_members m ON m.tenant_id = $1::uuid AND m.group_id = s.id
         JOIN users u ON u.tenant_id = $1::uuid AND u.on_prem_dn_normalized = m.member_dn AND u.deleted_at IS NULL
       UNION
       SELECT 'group', g.id
         FROM scope s
         JOIN group_members m ON m.tenant_id = $1::uuid AND m.group_id = s.id
         JOIN groups g ON g.tenant_id = $1::uuid AND g.dn_normalized = m.member_dn AND g.deleted_at IS NULL
        WHERE g.id <> $2::uuid`,
      [tenantId, groupId],
    );
    const ids = (kind: 'user' | 'group') => rows.filter((r) => r.kind === kind).map((r) => r.id);
    return {
      transitive,
      users: await this.usersByIds(tenantId, ids('user')),
      groups: await this.groupsByIds(tenantId, ids('group')),
    };
  }

  /** The groups a user is in: directly, or also through the groups those are nested in (transitive). */
  async groupsOfUser(tenantId: string, userId: string, transitive: boolean): Promise<GroupView[]> {
    const user = await this.users.findOneBy({ tenantId, id: userId });
    if (!user) throw new DomainError(ErrorCode.UserNotFound);
    const direct = `SELECT g.id, g.dn_normalized
                      FROM users u
                      JOIN group_members m ON m.tenant_id = $1::uuid AND m.member_dn = u.on_prem_dn_normalized
                      JOIN groups g ON g.tenant_id = $1::uuid AND g.id = m.group_id AND g.deleted_at IS NULL
                     WHERE u.tenant_id = $1::uuid AND u.id = $2::uuid`;
    const { rows } = await this.sql.query<{ id: string }>(
      transitive
        ? `WITH RECURSIVE parents(id, dn_normalized) AS (
             ${direct}
             UNION
             SELECT g.id, g.dn_normalized
               FROM parents p
               JOIN group_members m ON m.tenant_id = $1::uuid AND m.member_dn = p.dn_normalized
               JOIN groups g ON g.tenant_id = $1::uuid AND g.id = m.group_id AND g.deleted_at IS NULL
           )
           SELECT DISTINCT id FROM parents`
        : direct,
      [tenantId, userId],
    );
    return this.groupsByIds(
      tenantId,
      rows.map((r) => r.id),
    );
  }

  private async usersByIds(tenantId: string, ids: string[]) {
    if (ids.length === 0) return [];
    const rows = await this.users.find({ where: { tenantId, id: In(ids) }, order: { userPrincipalName: 'ASC' } });
    return rows.map(toUserView);
  }

  private async groupsByIds(tenantId: string, ids: string[]): Promise<GroupView[]> {
    if (ids.length === 0) return [];
    const rows = await this.groups.find({ where: { tenantId, id: In(ids) }, order: { displayName: 'ASC', id: 'ASC' } });
    return rows.map(toGroupView);
  }
}

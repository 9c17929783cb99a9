import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import { MembershipQueryDto, type GroupMembersView, type GroupView } from './dto/group.dto';
import { GroupsService } from './groups.service';

@Controller('api/v1/tenants/:tenantId')
@UseGuards(AdminGuard)
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get('groups')
  async list(@Param('tenantId', UuidParam) tenantId: string): Promise<{ groups: GroupView[] }> {
    return { groups: await this.groups.list(tenantId) };
  }

  @Get('groups/:groupId/members')
  members(
    @Param('tenantId', UuidParam) tenantId: string,
    @Param('groupId', UuidParam) groupId: string,
    @Query() query: MembershipQueryDto,
  ): Promise<GroupMembersView> {
    return this.groups.members(tenantId, groupId, query.transitive === 'true');
  }

  @Get('users/:userId/groups')
  async groupsOfUser(
    @Param('tenantId', UuidParam) tenantId: string,
    @Param('userId', UuidParam) userId: string,
    @Query() query: MembershipQueryDto,
  ): Promise<{ transitive: boolean; groups: GroupView[] }> {
    const transitive = query.transitive === 'true';
    return { transitive, groups: await this.groups.groupsOfUser(tenantId, userId, transitive) };
  }
}

import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import { CreateUserDto, type UserView } from './dto/user.dto';
import { UsersService } from './users.service';

@Controller('api/v1/tenants/:tenantId/users')
@UseGuards(AdminGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Param('tenantId', UuidParam) tenantId: string, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(tenantId, dto);
  }

  @Get()
  async list(@Param('tenantId', UuidParam) tenantId: string): Promise<{ users: UserView[] }> {
    return { users: await this.users.list(tenantId) };
  }

  @Get(':userId')
  get(@Param('tenantId', UuidParam) tenantId: string, @Param('userId', UuidParam) userId: string): Promise<UserView> {
    return this.users.get(tenantId, userId);
  }
}

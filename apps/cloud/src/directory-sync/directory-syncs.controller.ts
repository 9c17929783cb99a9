import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import { DirectorySyncsService } from './directory-syncs.service';
import {
  DIRECTORY_SYNCS_DEFAULT_LIMIT,
  DirectorySyncsQueryDto,
  type DirectorySyncView,
} from './dto/directory-sync.dto';

@Controller('api/v1/tenants/:tenantId/directory-syncs')
@UseGuards(AdminGuard)
export class DirectorySyncsController {
  constructor(private readonly syncs: DirectorySyncsService) {}

  @Get()
  async list(
    @Param('tenantId', UuidParam) tenantId: string,
    @Query() query: DirectorySyncsQueryDto,
  ): Promise<{ syncs: DirectorySyncView[] }> {
    return { syncs: await this.syncs.list(tenantId, query.limit ?? DIRECTORY_SYNCS_DEFAULT_LIMIT) };
  }
}

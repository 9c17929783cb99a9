import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import { DirectorySyncEntity } from './directory-sync.entity';
import {
  DIRECTORY_SYNCS_DEFAULT_LIMIT,
  DirectorySyncsQueryDto,
  toDirectorySyncView,
  type DirectorySyncView,
} from './dto/directory-sync.dto';

@Controller('api/v1/tenants/:tenantId/directory-syncs')
@UseGuards(AdminGuard)
export class DirectorySyncsController {
  constructor(@InjectRepository(DirectorySyncEntity) private readonly syncs: Repository<DirectorySyncEntity>) {}

  /** The latest runs first. */
  @Get()
  async list(
    @Param('tenantId', UuidParam) tenantId: string,
    @Query() query: DirectorySyncsQueryDto,
  ): Promise<{ syncs: DirectorySyncView[] }> {
    const rows = await this.syncs.find({
      where: { tenantId },
      order: { startedAt: 'DESC', syncId: 'ASC' },
      take: query.limit ?? DIRECTORY_SYNCS_DEFAULT_LIMIT,
    });
    return { syncs: rows.map(toDirectorySyncView) };
  }
}

import { Controller, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import type { ConnectionTestView } from '../writeback/dto/password-reset.dto';
import { WritebackService } from '../writeback/writeback.service';
import { OnPremStatusService, type OnPremStatusView } from './onprem-status.service';

@Controller('api/v1/tenants/:tenantId/onprem-status')
@UseGuards(AdminGuard)
export class OnPremStatusController {
  constructor(
    private readonly statusService: OnPremStatusService,
    private readonly writeback: WritebackService,
  ) {}

  @Get()
  status(@Param('tenantId', UuidParam) tenantId: string): Promise<OnPremStatusView> {
    return this.statusService.status(tenantId);
  }

  /** "Test connection": a signed no-op through the whole path; the answer says who answered and how fast. */
  @Post('test')
  @HttpCode(HttpStatus.OK)
  test(@Param('tenantId', UuidParam) tenantId: string): Promise<ConnectionTestView> {
    return this.writeback.testConnection(tenantId);
  }
}

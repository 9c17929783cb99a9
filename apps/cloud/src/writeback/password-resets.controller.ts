import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import { PasswordResetDto, type PasswordResetView, type UnlockView } from './dto/password-reset.dto';
import { PasswordResetsService } from './password-resets.service';
import { WritebackService } from './writeback.service';

/**
 * Admin reset (any user) and unlock (a synced user). For a synced user the answer is the directory's
 * verdict: 200 applied; any other verdict comes back through the exception filter with its own status
 * (422, 404, 503…). A cloud-only user's reset is the cloud's own (200, or 403 not_licensed on free).
 */
@Controller('api/v1/tenants/:tenantId/users/:userId')
@UseGuards(AdminGuard)
export class PasswordResetsController {
  constructor(
    private readonly resets: PasswordResetsService,
    private readonly writeback: WritebackService,
  ) {}

  @Post('password-resets')
  @HttpCode(HttpStatus.OK)
  reset(
    @Param('tenantId', UuidParam) tenantId: string,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: PasswordResetDto,
  ): Promise<PasswordResetView> {
    return this.resets.reset(tenantId, userId, dto);
  }

  @Post('unlock')
  @HttpCode(HttpStatus.OK)
  unlock(
    @Param('tenantId', UuidParam) tenantId: string,
    @Param('userId', UuidParam) userId: string,
  ): Promise<UnlockView> {
    return this.writeback.unlock(tenantId, userId);
  }
}

import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import { PasswordResetDto, type PasswordResetView, type UnlockView } from './dto/password-reset.dto';
import { WritebackService } from './writeback.service';

/**
 * Admin reset and unlock of a synced user. The answer is the directory's verdict: 200 applied; any
 * other verdict comes back through the exception filter with its own status (422, 404, 503…).
 */
@Controller('api/v1/tenants/:tenantId/users/:userId')
@UseGuards(AdminGuard)
export class PasswordResetsController {
  constructor(private readonly writeback: WritebackService) {}

  @Post('password-resets')
  @HttpCode(HttpStatus.OK)
  reset(
    @Param('tenantId', UuidParam) tenantId: string,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: PasswordResetDto,
  ): Promise<PasswordResetView> {
    return this.writeback.resetPassword(tenantId, userId, dto);
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

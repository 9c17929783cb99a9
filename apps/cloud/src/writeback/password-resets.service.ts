import { Injectable } from '@nestjs/common';
import { CloudPasswordsService } from '../auth/cloud-passwords.service';
import { UserSessionsService } from '../auth/user-sessions.service';
import type { PasswordResetDto, PasswordResetView } from './dto/password-reset.dto';
import { WritebackService } from './writeback.service';
import { WritebackTargets } from './writeback-targets.service';

/**
 * An admin's reset, wherever the user's password lives: a cloud-only user's hash is set by the cloud
 * (basic and premium licences), a synced user's password is written back (premium). Either way the
 * user's sessions end once the new password is in place.
 */
@Injectable()
export class PasswordResetsService {
  constructor(
    private readonly targets: WritebackTargets,
    private readonly writeback: WritebackService,
    private readonly cloudPasswords: CloudPasswordsService,
    private readonly sessions: UserSessionsService,
  ) {}

  async reset(tenantId: string, userId: string, dto: PasswordResetDto): Promise<PasswordResetView> {
    // Cached per replica, so the synced path (which looks the user up again) pays no extra round trip.
    const user = await this.targets.find(tenantId, userId);
    if (user?.source === 'cloud') return this.cloudPasswords.adminReset(tenantId, userId, user.licence, dto);
    const view = await this.writeback.resetPassword(tenantId, userId, dto);
    await this.sessions.endAllOf(tenantId, userId);
    return view;
  }
}

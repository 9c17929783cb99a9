import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { UuidParam } from '../common/api-validation.pipe';
import { AuthService } from './auth.service';
import { ChangePasswordDto, type ChangePasswordView, type MeView, SignInDto, type SignInView } from './dto/auth.dto';
import type { ActiveSession } from './sessions.repository';
import { AcceptSessionScopes, CurrentSession, UserSessionGuard } from './user-session.guard';

/**
 * Sign-in and sign-out. 200 with a session; 401 invalid_credentials (also for an unknown user), 423
 * account_locked, 403 account_disabled / password_expired, 503 directory_unreachable / not_configured.
 */
@Controller('api/v1/tenants/:tenantId/auth')
@UseGuards(ThrottlerGuard)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('sign-in')
  @HttpCode(HttpStatus.OK)
  signIn(@Param('tenantId', UuidParam) tenantId: string, @Body() dto: SignInDto): Promise<SignInView> {
    return this.auth.signIn(tenantId, dto);
  }

  @Post('sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserSessionGuard)
  @AcceptSessionScopes('full', 'change_password')
  signOut(@CurrentSession() session: ActiveSession): Promise<void> {
    return this.auth.signOut(session);
  }
}

/** The signed-in user's own account. */
@Controller('api/v1/tenants/:tenantId/me')
@UseGuards(ThrottlerGuard, UserSessionGuard)
export class MeController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  me(@CurrentSession() session: ActiveSession): Promise<MeView> {
    return this.auth.me(session);
  }

  /**
   * Change a known password. 200 applied; 422 invalid_credentials (wrong current password: the session
   * is fine, the request is not), 422 password_rejected (cloud rules) or rejected_by_policy (the
   * directory, with `reason`), 503 when the directory cannot be reached.
   */
  @Post('password')
  @HttpCode(HttpStatus.OK)
  @AcceptSessionScopes('full', 'change_password')
  changePassword(
    @CurrentSession() session: ActiveSession,
    @Body() dto: ChangePasswordDto,
  ): Promise<ChangePasswordView> {
    return this.auth.changePassword(session, dto);
  }
}

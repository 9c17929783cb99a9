import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isUUID } from 'class-validator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { bearerToken } from '../common/tokens';
import type { ActiveSession } from './sessions.repository';
import type { SessionScope } from './user-session.entity';
import { UserSessionsService } from './user-sessions.service';

interface SessionRequest {
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string | undefined>;
  userSession?: ActiveSession;
}

const SCOPES_KEY = 'sspr:session-scopes';

/** The session scopes a route accepts; without it, only a `full` session. */
export const AcceptSessionScopes = (...scopes: SessionScope[]) => SetMetadata(SCOPES_KEY, scopes);

/** The session the UserSessionGuard let in. */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): ActiveSession => {
  const session = context.switchToHttp().getRequest<SessionRequest>().userSession;
  if (!session) throw new Error('CurrentSession used on a route without UserSessionGuard');
  return session;
});

/**
 * A signed-in user, on their tenant's routes only: `Authorization: Bearer <sessionToken>`. An unknown,
 * expired or revoked token, or one of another tenant, is a 401; a session that may only change the
 * password, on any other route, a 403 password_change_required.
 */
@Injectable()
export class UserSessionGuard implements CanActivate {
  constructor(
    private readonly sessions: UserSessionsService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SessionRequest>();
    const token = bearerToken(request.headers['authorization']);
    const tenantId = request.params['tenantId'];
    if (!token || !tenantId || !isUUID(tenantId)) throw new DomainError(ErrorCode.Unauthenticated);
    const session = await this.sessions.authenticate(tenantId, token);
    if (!session) throw new DomainError(ErrorCode.Unauthenticated);
    const accepted = this.reflector.getAllAndOverride<SessionScope[] | undefined>(SCOPES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ['full'];
    if (!accepted.includes(session.scope)) throw new DomainError(ErrorCode.PasswordChangeRequired);
    request.userSession = session;
    return true;
  }
}

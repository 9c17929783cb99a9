import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { CloudConfig } from '../config/cloud-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { bearerToken, tokensEqual } from '../common/tokens';
import { AdminTokensService } from './admin-tokens.service';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string | undefined>;
}

/** The platform operator (creates tenants): `Authorization: Bearer <CLOUD_OPERATOR_TOKEN>`. */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(private readonly config: CloudConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<GuardedRequest>().headers['authorization']);
    if (!token || !tokensEqual(token, this.config.operatorToken.reveal()))
      throw new DomainError(ErrorCode.Unauthenticated);
    return true;
  }
}

/**
 * A tenant admin, on that tenant's routes only: `Authorization: Bearer <adminToken>` checked against
 * `:tenantId`. A valid token on another tenant's path gets the same 404 as a tenant that does not
 * exist, so it learns nothing about other tenants.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly tokens: AdminTokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const token = bearerToken(request.headers['authorization']);
    if (!token) throw new DomainError(ErrorCode.Unauthenticated);
    const tenantId = await this.tokens.tenantOf(token);
    if (!tenantId) throw new DomainError(ErrorCode.Unauthenticated);
    const wanted = request.params['tenantId'];
    if (!wanted || !isUUID(wanted) || wanted !== tenantId) throw new DomainError(ErrorCode.TenantNotFound);
    return true;
  }
}

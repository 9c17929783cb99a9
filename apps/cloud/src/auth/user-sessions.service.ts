import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateToken, hashToken } from '../common/tokens';
import { CloudConfig } from '../config/cloud-config';
import { SessionsRepository, type ActiveSession } from './sessions.repository';
import type { SessionScope } from './user-session.entity';

/** A session that may only change the password lasts at most this long (like a reset flow, SPEC §3.5). */
export const CHANGE_PASSWORD_SESSION_MS = 15 * 60_000;

/**
 * Users' sessions: an opaque random bearer token (256 bits, base64url), shown once; only its SHA-256 is
 * stored and looked up. Checked against the database on every request (no cache), so a revocation takes
 * effect at once.
 */
@Injectable()
export class UserSessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: CloudConfig,
  ) {}

  async open(tenantId: string, userId: string, scope: SessionScope): Promise<{ token: string; expiresAt: Date }> {
    const token = generateToken();
    const ttl =
      scope === 'full'
        ? this.config.userSessionTtlMs
        : Math.min(CHANGE_PASSWORD_SESSION_MS, this.config.userSessionTtlMs);
    const expiresAt = new Date(Date.now() + ttl);
    await this.sessions.insert({ id: randomUUID(), tenantId, userId, tokenHash: hashToken(token), scope, expiresAt });
    return { token, expiresAt };
  }

  /** The live session a bearer token opens in this tenant, or undefined. */
  authenticate(tenantId: string, token: string): Promise<ActiveSession | undefined> {
    return this.sessions.findActive(tenantId, hashToken(token));
  }

  end(session: ActiveSession): Promise<void> {
    return this.sessions.revoke(session.tenantId, session.sessionId);
  }

  /** Ends all the user's sessions but `keep`: their password changed, whoever held the old one is out. */
  endAllOf(tenantId: string, userId: string, keep: string | null = null): Promise<void> {
    return this.sessions.revokeAll(tenantId, userId, keep);
  }
}

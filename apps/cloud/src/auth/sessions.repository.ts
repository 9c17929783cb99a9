import { Injectable } from '@nestjs/common';
import { SqlService } from '../database/sql.service';
import type { SessionScope } from './user-session.entity';

/** A live session, as a request carries it. */
export interface ActiveSession {
  sessionId: string;
  tenantId: string;
  userId: string;
  scope: SessionScope;
  expiresAt: Date;
}

/** Sessions that ended this long ago are deleted when their user signs in again. */
const KEEP_ENDED_DAYS = 7;

/** User sessions: one statement per step, each naming its tenant. Only token hashes go in or out. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly sql: SqlService) {}

  /** Stores a new session, and forgets the user's sessions that ended long ago (so the table stays bounded). */
  async insert(s: {
    id: string;
    tenantId: string;
    userId: string;
    tokenHash: string;
    scope: SessionScope;
    expiresAt: Date;
  }): Promise<void> {
    await this.sql.query(
      `WITH old AS (
         DELETE FROM user_sessions
          WHERE tenant_id = $2::uuid AND user_id = $3::uuid
            AND least(expires_at, coalesce(revoked_at, expires_at)) < now() - make_interval(days => $7)
       )
       INSERT INTO user_sessions (id, tenant_id, user_id, token_hash, scope, expires_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::timestamptz)`,
      [s.id, s.tenantId, s.userId, s.tokenHash, s.scope, s.expiresAt.toISOString(), KEEP_ENDED_DAYS],
    );
  }

  /** The live session of this token in this tenant, if its user may still sign in. */
  async findActive(tenantId: string, tokenHash: string): Promise<ActiveSession | undefined> {
    const { rows } = await this.sql.query<ActiveSession>(
      `SELECT s.id AS "sessionId", s.tenant_id AS "tenantId", s.user_id AS "userId", s.scope, s.expires_at AS "expiresAt"
         FROM user_sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
        WHERE s.token_hash = $2 AND s.tenant_id = $1::uuid AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.enabled AND u.deleted_at IS NULL`,
      [tenantId, tokenHash],
    );
    return rows[0];
  }

  async revoke(tenantId: string, sessionId: string): Promise<void> {
    await this.sql.query(
      'UPDATE user_sessions SET revoked_at = now() WHERE id = $1::uuid AND tenant_id = $2::uuid AND revoked_at IS NULL',
      [sessionId, tenantId],
    );
  }

  /** Ends every session of the user, but `keep` (if any). */
  async revokeAll(tenantId: string, userId: string, keep: string | null = null): Promise<void> {
    await this.sql.query(
      `UPDATE user_sessions SET revoked_at = now()
        WHERE tenant_id = $1::uuid AND user_id = $2::uuid AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [tenantId, userId, keep],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { SqlService } from '../database/sql.service';
import type { UserSource } from '../users/user.entity';

/** What sign-in and password change need to know about a user. Holds the hash: never put it in an answer or a log. */
export interface CredentialRow {
  id: string;
  userPrincipalName: string;
  displayName: string;
  source: UserSource;
  enabled: boolean;
  passwordHash: string | null;
  mustChangePassword: boolean;
}

const COLUMNS = `id, user_principal_name AS "userPrincipalName", display_name AS "displayName", source, enabled,
                 password_hash AS "passwordHash", must_change_password AS "mustChangePassword"`;
/** A user deleted in the directory signs in like an unknown one. */
const LIVE = 'deleted_at IS NULL';

/** Users' cloud credentials: one statement per step, each naming its tenant. */
@Injectable()
export class CredentialsRepository {
  constructor(private readonly sql: SqlService) {}

  /**
   * The user a sign-in names. User principal names are matched case-insensitively; if two users differ
   * only in case, the exact spelling decides, and without one nobody is found.
   */
  async findByUpn(tenantId: string, userPrincipalName: string): Promise<CredentialRow | undefined> {
    const { rows } = await this.sql.query<CredentialRow & { exact: boolean }>(
      `SELECT ${COLUMNS}, user_principal_name = $2 AS exact FROM users
        WHERE tenant_id = $1::uuid AND lower(user_principal_name) = lower($2) AND ${LIVE}
        ORDER BY exact DESC LIMIT 2`,
      [tenantId, userPrincipalName],
    );
    const [first, second] = rows;
    if (!first || (second && !first.exact)) return undefined;
    const { exact: _exact, ...row } = first;
    return row;
  }

  /** The tenant's name: its words count as banned in its users' passwords. */
  async tenantName(tenantId: string): Promise<string | undefined> {
    const { rows } = await this.sql.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1::uuid', [tenantId]);
    return rows[0]?.name;
  }

  async findById(tenantId: string, userId: string): Promise<CredentialRow | undefined> {
    const { rows } = await this.sql.query<CredentialRow>(
      `SELECT ${COLUMNS} FROM users WHERE id = $1::uuid AND tenant_id = $2::uuid AND ${LIVE}`,
      [userId, tenantId],
    );
    return rows[0];
  }

  /**
   * An admin's reset of a cloud-only user, in one statement: the new hash, the reset record (no command)
   * and the end of the user's sessions. False if there is no such cloud-only user.
   */
  async adminReset(r: {
    tenantId: string;
    userId: string;
    resetId: string;
    passwordHash: string;
    generated: boolean;
    mustChangeAtNextSignIn: boolean;
    unlock: boolean;
  }): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `WITH u AS (
         UPDATE users SET password_hash = $3, must_change_password = $4, updated_at = now()
          WHERE id = $2::uuid AND tenant_id = $1::uuid AND source = 'cloud'
          RETURNING id, tenant_id
       ), reset AS (
         INSERT INTO password_resets (id, tenant_id, user_id, command_id, requested_by, generated, must_change_at_next_sign_in, unlock)
         SELECT $5::uuid, tenant_id, id, NULL, 'admin', $6::boolean, $4::boolean, $7::boolean FROM u
       ), sessions AS (
         UPDATE user_sessions SET revoked_at = now()
          WHERE tenant_id = $1::uuid AND user_id = $2::uuid AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM u)
       )
       SELECT id FROM u`,
      [r.tenantId, r.userId, r.passwordHash, r.mustChangeAtNextSignIn, r.resetId, r.generated, r.unlock],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * A cloud-only user's own change, in one statement: the new hash (only if the hash the current password
   * was checked against is still the stored one) and the end of every other session (and of `keep` too
   * when it is null). False if the password changed meanwhile.
   */
  async userChange(r: {
    tenantId: string;
    userId: string;
    expectedHash: string;
    passwordHash: string;
    keepSessionId: string | null;
  }): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `WITH u AS (
         UPDATE users SET password_hash = $3, must_change_password = false, updated_at = now()
          WHERE id = $2::uuid AND tenant_id = $1::uuid AND source = 'cloud' AND password_hash = $4
          RETURNING id
       ), sessions AS (
         UPDATE user_sessions SET revoked_at = now()
          WHERE tenant_id = $1::uuid AND user_id = $2::uuid AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM u)
            AND ($5::uuid IS NULL OR id <> $5::uuid)
       )
       SELECT id FROM u`,
      [r.tenantId, r.userId, r.passwordHash, r.expectedHash, r.keepSessionId],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Replaces a hash made with older parameters (after a successful sign-in), unless it changed meanwhile. */
  async rehash(tenantId: string, userId: string, expectedHash: string, passwordHash: string): Promise<void> {
    await this.sql.query(
      `UPDATE users SET password_hash = $3 WHERE id = $2::uuid AND tenant_id = $1::uuid AND password_hash = $4`,
      [tenantId, userId, passwordHash, expectedHash],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { MessageType, type CredentialVerdict, type PolicyReason, type ResultCode } from '@sspr/contracts';
import { CloudConfig } from '../config/cloud-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PG_CHANNELS } from '../database/pg-notifications.service';
import { isUniqueViolation, SqlService } from '../database/sql.service';
import type { Licence } from '../tenants/tenant.entity';
import type { UserSource } from '../users/user.entity';
import type { Verdict } from './verdict';
import type { CommandState, SettledBy } from './writeback-command.entity';

/** The claim the issuing replica holds on its own outbox row, so the sweep leaves it alone meanwhile. */
export const OUTBOX_LEASE_SECONDS = 10;

export interface NewCommand {
  id: string;
  tenantId: string;
  userId: string | null;
  type: MessageType;
  issuedAt: Date;
  notAfter: Date;
  deadlineAt: Date;
  /** The reset record, for a password reset. */
  reset?: { id: string; generated: boolean; mustChangeAtNextSignIn: boolean; unlock: boolean };
  outbox: { id: string; exchange: string; routingKey: string; body: string };
}

export interface AgentResult {
  commandId: string;
  tenantId: string;
  type: MessageType;
  outcome: ResultCode;
  reason: PolicyReason | null;
  credential: CredentialVerdict | null;
  agentId: string;
  durationMs: number;
}

export interface WritebackTargetRow {
  source: UserSource;
  dn: string | null;
  immutableId: string | null;
  licence: Licence;
  writebackEnabled: boolean;
}

interface VerdictRow {
  id: string;
  tenant_id: string;
  type: string;
  outcome: ResultCode;
  reason: PolicyReason | null;
  credential: CredentialVerdict | null;
  agent_id: string | null;
  settled_by: SettledBy;
}

function toVerdict(row: VerdictRow): Verdict {
  return {
    commandId: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    outcome: row.outcome,
    reason: row.reason,
    credential: row.credential,
    agentId: row.agent_id,
    settledBy: row.settled_by,
  };
}

// Every settling statement wakes the waiting request on whichever replica holds it.
const NOTIFY = `pg_notify('${PG_CHANNELS.results}', json_build_object(
           'commandId', id, 'tenantId', tenant_id, 'type', type, 'outcome', outcome,
           'reason', reason, 'credential', credential, 'agentId', agent_id, 'settledBy', settled_by)::text)`;
const VERDICT_COLUMNS = 'id, tenant_id, type, outcome, reason, credential, agent_id, settled_by';
const RETURN_AND_NOTIFY = `SELECT ${VERDICT_COLUMNS}, ${NOTIFY} FROM settled`;

/** Commands that write nothing: they are no "successful writeback" of the agent that answered them. */
const NOT_WRITES = `('${MessageType.ConnectionTest}', '${MessageType.CredentialsVerify}')`;

/**
 * An agent's "last successful writeback" is refreshed at most once a second: every applied result
 * updating the same agent row would serialize all results of a busy agent on that row's lock.
 */
const LAST_APPLIED_RESOLUTION = "interval '1 second'";

// At the deadline: nobody heard from an agent lately → the directory side is unreachable; else it just took too long.
const DEADLINE_OUTCOME = `CASE WHEN EXISTS (
    SELECT 1 FROM agents a
     WHERE a.tenant_id = c.tenant_id AND a.revoked_at IS NULL
       AND a.last_heartbeat_at > now() - make_interval(secs => $FRESHNESS)
  ) THEN 'expired' ELSE 'directory_unreachable' END`;

/** The writeback commands' SQL: one statement per step, each naming its tenant. */
@Injectable()
export class CommandsRepository {
  private readonly freshnessSeconds: number;

  constructor(
    private readonly sql: SqlService,
    config: CloudConfig,
  ) {
    this.freshnessSeconds = config.heartbeatFreshnessMs / 1000;
  }

  /** A live (not deleted) user with what writeback needs to know about them and their tenant, in one read. */
  async findTarget(tenantId: string, userId: string): Promise<WritebackTargetRow | undefined> {
    const { rows } = await this.sql.query<WritebackTargetRow>(
      `SELECT u.source, u.on_prem_distinguished_name AS dn, u.on_prem_immutable_id AS "immutableId",
              t.licence, t.writeback_enabled AS "writebackEnabled"
         FROM users u JOIN tenants t ON t.id = u.tenant_id
        WHERE u.id = $1::uuid AND u.tenant_id = $2::uuid AND u.deleted_at IS NULL`,
      [userId, tenantId],
    );
    return rows[0];
  }

  /**
   * The command, its reset record and its outbox row, in one statement (one transaction, one round
   * trip). A second pending command for the same user violates the partial unique index → 409.
   */
  async insert(c: NewCommand): Promise<void> {
    try {
      await this.sql.query(
        `WITH command AS (
           INSERT INTO writeback_commands (id, tenant_id, user_id, type, state, issued_at, not_after, deadline_at)
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'pending', $5::timestamptz, $6::timestamptz, $7::timestamptz)
           RETURNING id
         ), reset AS (
           INSERT INTO password_resets (id, tenant_id, user_id, command_id, requested_by, generated, must_change_at_next_sign_in, unlock)
           SELECT $8::uuid, $2::uuid, $3::uuid, id, 'admin', $9::boolean, $10::boolean, $11::boolean
             FROM command WHERE $8::uuid IS NOT NULL
         )
         INSERT INTO outbox (id, tenant_id, command_id, exchange, routing_key, message_type, body, not_after, claimed_until)
         SELECT $12::uuid, $2::uuid, id, $13, $14, $4, $15, $6::timestamptz, now() + make_interval(secs => $16)
           FROM command`,
        [
          c.id,
          c.tenantId,
          c.userId,
          c.type,
          c.issuedAt.toISOString(),
          c.notAfter.toISOString(),
          c.deadlineAt.toISOString(),
          c.reset?.id ?? null,
          c.reset?.generated ?? null,
          c.reset?.mustChangeAtNextSignIn ?? null,
          c.reset?.unlock ?? null,
          c.outbox.id,
          c.outbox.exchange,
          c.outbox.routingKey,
          c.outbox.body,
          OUTBOX_LEASE_SECONDS,
        ],
      );
    } catch (err) {
      if (isUniqueViolation(err, 'uq_writeback_commands_pending_user'))
        throw new DomainError(ErrorCode.CommandInFlight);
      throw err;
    }
  }

  /**
   * Records an agent's verdict on a pending command; undefined if it was not pending. `notify: false`
   * when the waiting request is on this replica (it is woken directly; NOTIFY serializes commits).
   */
  async settleWithResult(r: AgentResult, notify: boolean): Promise<Verdict | undefined> {
    const { rows } = await this.sql.query<VerdictRow>(
      `WITH settled AS (
         UPDATE writeback_commands
            SET state = 'settled', outcome = $3, reason = $4, agent_id = $5::uuid, settled_by = 'agent',
                settled_at = now(), duration_ms = $6, credential = $9
          WHERE id = $1::uuid AND tenant_id = $2::uuid AND type = $7 AND state = 'pending'
          RETURNING ${VERDICT_COLUMNS}
       ), agent AS (
         UPDATE agents a SET last_applied_at = now()
           FROM settled s
          WHERE a.id = s.agent_id AND a.tenant_id = s.tenant_id
            AND s.outcome = 'applied' AND s.type NOT IN ${NOT_WRITES}
            AND (a.last_applied_at IS NULL OR a.last_applied_at < now() - ${LAST_APPLIED_RESOLUTION})
       )
       SELECT ${VERDICT_COLUMNS}, CASE WHEN $8::boolean THEN ${NOTIFY} END
         FROM settled`,
      [r.commandId, r.tenantId, r.outcome, r.reason, r.agentId, r.durationMs, r.type, notify, r.credential],
    );
    return rows[0] && toVerdict(rows[0]);
  }

  /** What a result refers to, when it could not settle a pending command. */
  async describe(
    commandId: string,
  ): Promise<{ tenantId: string; type: MessageType; state: CommandState; settledBy: SettledBy | null } | undefined> {
    const { rows } = await this.sql.query<{
      tenant_id: string;
      type: MessageType;
      state: CommandState;
      settled_by: SettledBy | null;
    }>('SELECT tenant_id, type, state, settled_by FROM writeback_commands WHERE id = $1::uuid', [commandId]);
    const row = rows[0];
    return row && { tenantId: row.tenant_id, type: row.type, state: row.state, settledBy: row.settled_by };
  }

  /** A verdict that came after the cloud gave up: kept beside the cloud's own verdict, never replacing it. */
  async recordLateResult(r: AgentResult): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `WITH late AS (
         UPDATE writeback_commands
            SET late_result_code = $3, late_result_reason = $4, late_result_agent_id = $5::uuid, late_result_at = now()
          WHERE id = $1::uuid AND tenant_id = $2::uuid AND settled_by = 'deadline' AND late_result_at IS NULL
          RETURNING id, type
       ), agent AS (
         UPDATE agents a SET last_applied_at = now()
           FROM late l
          WHERE a.id = $5::uuid AND a.tenant_id = $2::uuid AND $3 = 'applied' AND l.type NOT IN ${NOT_WRITES}
       )
       SELECT id FROM late`,
      [r.commandId, r.tenantId, r.outcome, r.reason, r.agentId],
    );
    return (rowCount ?? 0) > 0;
  }

  /** The deadline passed without a verdict: the cloud settles the command itself (if still pending). */
  async settleAtDeadline(commandId: string, tenantId: string): Promise<Verdict | undefined> {
    const { rows } = await this.sql.query<VerdictRow>(
      `WITH settled AS (
         UPDATE writeback_commands c
            SET state = 'settled', settled_by = 'deadline', settled_at = now(),
                outcome = ${DEADLINE_OUTCOME.replace('$FRESHNESS', '$3')}
          WHERE c.id = $1::uuid AND c.tenant_id = $2::uuid AND c.state = 'pending'
          RETURNING c.id, c.tenant_id, c.type, c.outcome, c.reason, c.credential, c.agent_id, c.settled_by
       )
       ${RETURN_AND_NOTIFY}`,
      [commandId, tenantId, this.freshnessSeconds],
    );
    return rows[0] && toVerdict(rows[0]);
  }

  /** Commands whose waiting request is gone (its replica died): settled like at the deadline, after a grace period. */
  async settleOrphans(graceSeconds: number, limit: number): Promise<Verdict[]> {
    const { rows } = await this.sql.query<VerdictRow>(
      `WITH settled AS (
         UPDATE writeback_commands c
            SET state = 'settled', settled_by = 'deadline', settled_at = now(),
                outcome = ${DEADLINE_OUTCOME.replace('$FRESHNESS', '$1')}
          WHERE c.id IN (SELECT id FROM writeback_commands
                          WHERE state = 'pending' AND deadline_at < now() - make_interval(secs => $2)
                          ORDER BY deadline_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            AND c.state = 'pending'
          RETURNING c.id, c.tenant_id, c.type, c.outcome, c.reason, c.credential, c.agent_id, c.settled_by
       )
       ${RETURN_AND_NOTIFY}`,
      [this.freshnessSeconds, graceSeconds, limit],
    );
    return rows.map(toVerdict);
  }

  /** A settled command's verdict (the re-read at the deadline, or after missed notifications). */
  async readVerdict(commandId: string, tenantId: string): Promise<Verdict | undefined> {
    const { rows } = await this.sql.query<VerdictRow>(
      `SELECT ${VERDICT_COLUMNS} FROM writeback_commands
        WHERE id = $1::uuid AND tenant_id = $2::uuid AND state = 'settled'`,
      [commandId, tenantId],
    );
    return rows[0] && toVerdict(rows[0]);
  }
}

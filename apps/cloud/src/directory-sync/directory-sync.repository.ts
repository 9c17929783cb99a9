import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SyncMode, type DirectorySyncV1 } from '@sspr/contracts';
import { DataSource, type QueryResult, type QueryRunner } from 'typeorm';
import { announceWritebackTargetsChanged } from '../database/pg-notifications.service';
import {
  anchorsToDelete,
  planGroups,
  planUsers,
  type Conflict,
  type DesiredGroup,
  type DesiredUser,
  type ExistingGroup,
  type ExistingUser,
} from './sync-plan';

/** Who sent the batch, as the signature proved it (never as the payload claims). */
export interface BatchOrigin {
  tenantId: string;
  agentId: string;
}

export interface SyncCounters {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  conflicts: number;
}

export type BatchOutcome =
  | {
      kind: 'applied';
      counters: SyncCounters;
      conflicts: Conflict[];
      /** Set when this batch was the last missing one of its run. */
      completed?: { deletedAsUnseen: number };
    }
  /** This batch of this run was recorded before (a redelivery): nothing was changed. */
  | { kind: 'duplicate' }
  /** The batch can never be applied; `reason` is safe to log. */
  | { kind: 'refused'; reason: string };

/** Rolls the transaction back and carries the outcome out of it. */
class Abandon extends Error {
  constructor(readonly outcome: BatchOutcome) {
    super(outcome.kind);
  }
}

interface RecordedRun {
  agent_id: string;
  mode: SyncMode;
  batch_count: number;
  received: boolean;
}

const USER_COLUMNS = `id, source, on_prem_immutable_id AS anchor, on_prem_distinguished_name AS dn,
  on_prem_dn_normalized AS "dnNormalized", user_principal_name AS "userPrincipalName",
  display_name AS "displayName", enabled, mail, mobile_phone AS "mobilePhone", office_phone AS "officePhone",
  deleted_at IS NOT NULL AS deleted`;

const USER_RECORD = `v(id uuid, anchor text, dn text, dn_normalized text, upn text, display_name text, enabled boolean,
  mail text, mobile_phone text, office_phone text)`;

function userRecord(id: string, d: DesiredUser): object {
  return {
    id,
    anchor: d.anchor,
    dn: d.dn,
    dn_normalized: d.dnNormalized,
    upn: d.userPrincipalName,
    display_name: d.displayName,
    enabled: d.enabled,
    mail: d.mail,
    mobile_phone: d.mobilePhone,
    office_phone: d.officePhone,
  };
}

const GROUP_RECORD = `v(id uuid, anchor text, dn text, dn_normalized text, display_name text)`;

function groupRecord(id: string, d: DesiredGroup): object {
  return { id, anchor: d.anchor, dn: d.dn, dn_normalized: d.dnNormalized, display_name: d.displayName };
}

/** One transaction's statements; every one names the tenant. */
class Tx {
  constructor(readonly runner: QueryRunner) {}

  async rows<T>(text: string, params: unknown[]): Promise<T[]> {
    const result = (await this.runner.query(text, params, true)) as QueryResult<T>;
    return result.records;
  }
}

/**
 * Applies `directory.sync.v1` batches to a tenant's users, groups and memberships, one transaction per
 * batch (docs/protocol.md, "Directory sync"). Idempotent: a redelivered batch is recognized by its run's
 * received sequences and changes nothing; a re-sent run finds everything as it is and only moves
 * `last_synced_at`.
 */
@Injectable()
export class DirectorySyncRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async applyBatch(origin: BatchOrigin, batch: DirectorySyncV1): Promise<BatchOutcome> {
    // A cheap look first: most redeliveries stop here, without locking anything.
    const before = await this.recordedRun(origin, batch);
    if (before) {
      const refusal = this.disagreement(origin, batch, before);
      if (refusal) return refusal;
    }

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      try {
        const outcome = await this.apply(new Tx(runner), origin, batch);
        await runner.commitTransaction();
        return outcome;
      } catch (err) {
        await runner.rollbackTransaction();
        if (err instanceof Abandon) return err.outcome;
        throw err;
      }
    } finally {
      await runner.release();
    }
  }

  private async apply(tx: Tx, origin: BatchOrigin, batch: DirectorySyncV1): Promise<BatchOutcome> {
    const { tenantId } = origin;
    const counters: SyncCounters = { created: 0, updated: 0, unchanged: 0, deleted: 0, conflicts: 0 };

    const users = await this.applyUsers(tx, tenantId, batch);
    const groups = await this.applyGroups(tx, tenantId, batch);
    const deleted = await this.applyDeletions(
      tx,
      tenantId,
      anchorsToDelete(batch.deletedAnchors, batch.users, batch.groups),
    );
    counters.created = users.created + groups.created;
    counters.updated = users.updated + groups.updated;
    counters.unchanged = users.unchanged + groups.unchanged;
    counters.deleted = deleted.users + deleted.groups;
    counters.conflicts = users.conflicts.length + groups.duplicates;
    let targetsChanged = users.targetsChanged || deleted.users > 0;

    const run = await this.recordBatch(tx, origin, batch, counters);
    let completed: { deletedAsUnseen: number } | undefined;
    if (run.received === run.batch_count && run.completed_at === null) {
      const unseen =
        batch.mode === SyncMode.Full ? await this.deleteUnseen(tx, tenantId, batch.syncId) : { users: 0, groups: 0 };
      await tx.rows(
        `UPDATE directory_syncs SET completed_at = now(), deleted = deleted + $3
          WHERE sync_id = $1::uuid AND tenant_id = $2::uuid`,
        [batch.syncId, tenantId, unseen.users + unseen.groups],
      );
      completed = { deletedAsUnseen: unseen.users + unseen.groups };
      targetsChanged ||= unseen.users > 0;
    }
    if (targetsChanged) await announceWritebackTargetsChanged(tx.runner.manager, tenantId);
    return { kind: 'applied', counters, conflicts: users.conflicts, ...(completed ? { completed } : {}) };
  }

  private async applyUsers(
    tx: Tx,
    tenantId: string,
    batch: DirectorySyncV1,
  ): Promise<{ created: number; updated: number; unchanged: number; conflicts: Conflict[]; targetsChanged: boolean }> {
    if (batch.users.length === 0) return { created: 0, updated: 0, unchanged: 0, conflicts: [], targetsChanged: false };
    // Locked in id order, so that concurrent batches touching the same users wait rather than deadlock.
    const existing = await tx.rows<ExistingUser>(
      `SELECT ${USER_COLUMNS} FROM users
        WHERE tenant_id = $1::uuid
          AND (on_prem_immutable_id = ANY($2::text[]) OR (user_principal_name = ANY($3::text[]) AND deleted_at IS NULL))
        ORDER BY id FOR UPDATE`,
      [tenantId, batch.users.map((u) => u.anchor), batch.users.map((u) => u.userPrincipalName)],
    );
    const plan = planUsers(batch.users, existing);

    // Updates before inserts: a UPN a known user gives up may go to a new one.
    if (plan.updates.length > 0) {
      await tx.rows(
        `UPDATE users u
            SET source = 'synced', on_prem_immutable_id = v.anchor, on_prem_distinguished_name = v.dn,
                on_prem_dn_normalized = v.dn_normalized, user_principal_name = v.upn, display_name = v.display_name,
                enabled = v.enabled, mail = v.mail, mobile_phone = v.mobile_phone, office_phone = v.office_phone,
                deleted_at = NULL, last_synced_at = now(), updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS ${USER_RECORD}
          WHERE u.tenant_id = $1::uuid AND u.id = v.id`,
        [tenantId, JSON.stringify(plan.updates.map((u) => userRecord(u.id, u.desired)))],
      );
    }
    if (plan.inserts.length > 0) {
      await tx.rows(
        `INSERT INTO users (id, tenant_id, source, on_prem_immutable_id, on_prem_distinguished_name, on_prem_dn_normalized,
                            user_principal_name, display_name, enabled, mail, mobile_phone, office_phone, last_synced_at)
         SELECT v.id, $1::uuid, 'synced', v.anchor, v.dn, v.dn_normalized, v.upn, v.display_name, v.enabled,
                v.mail, v.mobile_phone, v.office_phone, now()
           FROM jsonb_to_recordset($2::jsonb) AS ${USER_RECORD}`,
        [tenantId, JSON.stringify(plan.inserts.map((d) => userRecord(randomUUID(), d)))],
      );
    }
    if (plan.unchanged.length > 0) {
      // Seen, not changed: last_synced_at only (updated_at stays, so a re-run changes nothing visible).
      await tx.rows(`UPDATE users SET last_synced_at = now() WHERE tenant_id = $1::uuid AND id = ANY($2::uuid[])`, [
        tenantId,
        plan.unchanged,
      ]);
    }
    return {
      created: plan.inserts.length,
      updated: plan.updates.length,
      unchanged: plan.unchanged.length,
      conflicts: plan.conflicts,
      targetsChanged: plan.updates.some((u) => u.targetChanged),
    };
  }

  private async applyGroups(
    tx: Tx,
    tenantId: string,
    batch: DirectorySyncV1,
  ): Promise<{ created: number; updated: number; unchanged: number; duplicates: number }> {
    if (batch.groups.length === 0) return { created: 0, updated: 0, unchanged: 0, duplicates: 0 };
    const existing = await tx.rows<ExistingGroup>(
      `SELECT id, anchor, dn, dn_normalized AS "dnNormalized", display_name AS "displayName",
              deleted_at IS NOT NULL AS deleted
         FROM groups WHERE tenant_id = $1::uuid AND anchor = ANY($2::text[])
        ORDER BY id FOR UPDATE`,
      [tenantId, batch.groups.map((g) => g.anchor)],
    );
    const plan = planGroups(batch.groups, existing);
    const inserted = plan.inserts.map((desired) => ({ id: randomUUID(), desired }));

    if (plan.updates.length > 0) {
      await tx.rows(
        `UPDATE groups g
            SET dn = v.dn, dn_normalized = v.dn_normalized, display_name = v.display_name,
                deleted_at = NULL, last_synced_at = now(), updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS ${GROUP_RECORD}
          WHERE g.tenant_id = $1::uuid AND g.id = v.id`,
        [tenantId, JSON.stringify(plan.updates.map((g) => groupRecord(g.id, g.desired)))],
      );
    }
    if (inserted.length > 0) {
      await tx.rows(
        `INSERT INTO groups (id, tenant_id, source, anchor, dn, dn_normalized, display_name, last_synced_at)
         SELECT v.id, $1::uuid, 'synced', v.anchor, v.dn, v.dn_normalized, v.display_name, now()
           FROM jsonb_to_recordset($2::jsonb) AS ${GROUP_RECORD}`,
        [tenantId, JSON.stringify(inserted.map((g) => groupRecord(g.id, g.desired)))],
      );
    }

    // Each group the batch names gets exactly the members it names; only the difference is written.
    const all = [...inserted, ...plan.updates, ...plan.same];
    const pairs = all.flatMap((g) => g.desired.memberDns.map((dn) => [g.id, dn] as const));
    const changed = await tx.rows<{ group_id: string }>(
      `WITH wanted AS (
         SELECT * FROM unnest($2::uuid[], $3::text[]) AS w(group_id, member_dn)
       ), removed AS (
         DELETE FROM group_members gm
          WHERE gm.tenant_id = $1::uuid AND gm.group_id = ANY($4::uuid[])
            AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.group_id = gm.group_id AND w.member_dn = gm.member_dn)
         RETURNING gm.group_id
       ), added AS (
         INSERT INTO group_members (group_id, member_dn, tenant_id)
         SELECT group_id, member_dn, $1::uuid FROM wanted
         ON CONFLICT DO NOTHING
         RETURNING group_id
       )
       SELECT group_id FROM removed UNION SELECT group_id FROM added`,
      [tenantId, pairs.map(([id]) => id), pairs.map(([, dn]) => dn), all.map((g) => g.id)],
    );
    const membersChanged = new Set(changed.map((r) => r.group_id));
    const sameButMembers = plan.same.filter((g) => membersChanged.has(g.id)).map((g) => g.id);
    const unchanged = plan.same.filter((g) => !membersChanged.has(g.id)).map((g) => g.id);
    if (sameButMembers.length > 0) {
      await tx.rows(
        `UPDATE groups SET last_synced_at = now(), updated_at = now() WHERE tenant_id = $1::uuid AND id = ANY($2::uuid[])`,
        [tenantId, sameButMembers],
      );
    }
    if (unchanged.length > 0) {
      await tx.rows(`UPDATE groups SET last_synced_at = now() WHERE tenant_id = $1::uuid AND id = ANY($2::uuid[])`, [
        tenantId,
        unchanged,
      ]);
    }
    return {
      created: inserted.length,
      updated: plan.updates.length + sameButMembers.length,
      unchanged: unchanged.length,
      duplicates: plan.duplicates.length,
    };
  }

  /** Marks the named synced users and groups deleted (rows, memberships and history stay). */
  private async applyDeletions(
    tx: Tx,
    tenantId: string,
    anchors: string[],
  ): Promise<{ users: number; groups: number }> {
    if (anchors.length === 0) return { users: 0, groups: 0 };
    const [row] = await tx.rows<{ users: number; groups: number }>(
      `WITH u AS (
         UPDATE users SET deleted_at = now(), updated_at = now()
          WHERE tenant_id = $1::uuid AND source = 'synced' AND on_prem_immutable_id = ANY($2::text[]) AND deleted_at IS NULL
         RETURNING 1
       ), g AS (
         UPDATE groups SET deleted_at = now(), updated_at = now()
          WHERE tenant_id = $1::uuid AND source = 'synced' AND anchor = ANY($2::text[]) AND deleted_at IS NULL
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM u)::int AS users, (SELECT count(*) FROM g)::int AS groups`,
      [tenantId, anchors],
    );
    return row ?? { users: 0, groups: 0 };
  }

  /**
   * A full run has been received whole: whatever synced object it did not mention is gone from the
   * directory. "Mentioned" = `last_synced_at` at or after the run's `started_at` (the earliest of its
   * batch transactions). Objects no sync ever saw (`last_synced_at` NULL: created by an admin) are left alone.
   */
  private async deleteUnseen(tx: Tx, tenantId: string, syncId: string): Promise<{ users: number; groups: number }> {
    const [row] = await tx.rows<{ users: number; groups: number }>(
      `WITH run AS (
         SELECT started_at FROM directory_syncs WHERE sync_id = $2::uuid AND tenant_id = $1::uuid
       ), u AS (
         UPDATE users SET deleted_at = now(), updated_at = now()
          WHERE tenant_id = $1::uuid AND source = 'synced' AND deleted_at IS NULL
            AND last_synced_at < (SELECT started_at FROM run)
         RETURNING 1
       ), g AS (
         UPDATE groups SET deleted_at = now(), updated_at = now()
          WHERE tenant_id = $1::uuid AND source = 'synced' AND deleted_at IS NULL
            AND last_synced_at < (SELECT started_at FROM run)
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM u)::int AS users, (SELECT count(*) FROM g)::int AS groups`,
      [tenantId, syncId],
    );
    return row ?? { users: 0, groups: 0 };
  }

  /**
   * Adds this batch to its run, once. The row lock this takes serializes the end of the run's batch
   * transactions, so exactly one of them sees every sequence received and completes the run.
   * `started_at` keeps the earliest transaction time, so that everything a batch touched is "since".
   */
  private async recordBatch(
    tx: Tx,
    origin: BatchOrigin,
    batch: DirectorySyncV1,
    c: SyncCounters,
  ): Promise<{ received: number; batch_count: number; completed_at: Date | null }> {
    const [run] = await tx.rows<{ received: number; batch_count: number; completed_at: Date | null }>(
      `INSERT INTO directory_syncs AS s (sync_id, tenant_id, agent_id, mode, batch_count, received_sequences, started_at,
                                         last_batch_at, created, updated, unchanged, deleted, conflicts)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, ARRAY[$6::int], now(), now(), $7, $8, $9, $10, $11)
       ON CONFLICT (sync_id) DO UPDATE
          SET received_sequences = s.received_sequences || EXCLUDED.received_sequences,
              started_at = LEAST(s.started_at, EXCLUDED.started_at),
              last_batch_at = GREATEST(s.last_batch_at, EXCLUDED.last_batch_at),
              created = s.created + EXCLUDED.created, updated = s.updated + EXCLUDED.updated,
              unchanged = s.unchanged + EXCLUDED.unchanged, deleted = s.deleted + EXCLUDED.deleted,
              conflicts = s.conflicts + EXCLUDED.conflicts
        WHERE s.tenant_id = EXCLUDED.tenant_id AND s.agent_id = EXCLUDED.agent_id AND s.mode = EXCLUDED.mode
          AND s.batch_count = EXCLUDED.batch_count AND NOT ($6::int = ANY(s.received_sequences))
       RETURNING cardinality(received_sequences) AS received, batch_count, completed_at`,
      [
        batch.syncId,
        origin.tenantId,
        origin.agentId,
        batch.mode,
        batch.batchCount,
        batch.sequence,
        c.created,
        c.updated,
        c.unchanged,
        c.deleted,
        c.conflicts,
      ],
    );
    if (run) return run;
    // The run exists and refused the batch: find out why (reading only this tenant's row).
    const recorded = await this.recordedRun(origin, batch, tx);
    if (!recorded) throw new Abandon({ kind: 'refused', reason: `sync ${batch.syncId} belongs to another tenant` });
    throw new Abandon(this.disagreement(origin, batch, recorded) ?? { kind: 'duplicate' });
  }

  private async recordedRun(origin: BatchOrigin, batch: DirectorySyncV1, tx?: Tx): Promise<RecordedRun | undefined> {
    const text = `SELECT agent_id, mode, batch_count, $3::int = ANY(received_sequences) AS received
                    FROM directory_syncs WHERE sync_id = $1::uuid AND tenant_id = $2::uuid`;
    const params = [batch.syncId, origin.tenantId, batch.sequence];
    const rows = tx
      ? await tx.rows<RecordedRun>(text, params)
      : await this.dataSource.query<RecordedRun[]>(text, params);
    return rows[0];
  }

  /** Why a batch cannot belong to the run recorded under its sync id; a duplicate if it does and was received. */
  private disagreement(origin: BatchOrigin, batch: DirectorySyncV1, run: RecordedRun): BatchOutcome | undefined {
    if (run.agent_id !== origin.agentId)
      return { kind: 'refused', reason: `sync ${batch.syncId} was started by another agent` };
    if (run.mode !== batch.mode || run.batch_count !== batch.batchCount)
      return { kind: 'refused', reason: `batch disagrees with its run ${batch.syncId} (mode or batchCount)` };
    return run.received ? { kind: 'duplicate' } : undefined;
  }
}

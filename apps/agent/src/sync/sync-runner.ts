import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { HealthCheckName, HealthCheckStatus, SyncMode, type HealthCheck } from '@sspr/contracts';
import { DirectoryError, FullSyncRequiredError, type DirectorySyncSource, type SyncSnapshot } from '@sspr/directory';
import type { AgentIdentity } from '../identity/agent-identity';
import type { ReplyPublisher } from '../messaging/replies';
import { toBatches } from './sync-batches';

/** Sync batches wait this long for a cloud that is down before the broker drops them (a later run resends). */
const SYNC_MESSAGE_TTL_MS = 60 * 60 * 1000;

/** A full run that found no user in scope; sending it would mark every synced user deleted. */
export class EmptyScopeError extends Error {
  override readonly name = 'EmptyScopeError';
  constructor() {
    super(
      'the directory returned no users in scope (check SYNC_BASE_DN and SYNC_USER_FILTER); nothing was sent, so no user was marked deleted',
    );
  }
}

export interface SyncSchedule {
  intervalMs: number;
  fullIntervalMs: number;
}

export interface SyncRunSummary {
  syncId: string;
  mode: SyncMode;
  users: number;
  groups: number;
  deletedAnchors: number;
  batches: number;
}

/**
 * Identity sync (SPEC §5.2): a full run at start, a delta every interval, a full run again every
 * `fullIntervalMs` (the cloud reconciles deletions on full runs). A failed run is retried from the same
 * watermark at the next tick: a watermark only moves once every batch of its run was confirmed by the broker.
 */
export class SyncRunner {
  private readonly logger = new Logger(SyncRunner.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private watermark: string | undefined;
  private lastFullAt = 0;
  private lastSuccessAt: number | undefined;
  private lastError: string | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly identity: AgentIdentity,
    private readonly source: DirectorySyncSource,
    private readonly replies: ReplyPublisher,
    private readonly schedule: SyncSchedule,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  start(): void {
    const tick = () => {
      this.running ??= this.runOnce()
        .catch(() => undefined) // logged in runOnce; the next tick tries again
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.schedule.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run, full or delta as the schedule says. Throws (after logging) when it did not complete. */
  async runOnce(): Promise<SyncRunSummary> {
    const started = this.now();
    let full = this.watermark === undefined || started - this.lastFullAt >= this.schedule.fullIntervalMs;
    const syncId = randomUUID();
    try {
      let snapshot: SyncSnapshot;
      if (full) {
        snapshot = await this.source.full();
      } else {
        try {
          snapshot = await this.source.changesSince(this.watermark!);
        } catch (err) {
          // The source cannot answer from this watermark (another DC, or it lost its record): start over.
          if (!(err instanceof FullSyncRequiredError)) throw err;
          this.logger.log({ syncId, reason: err.message }, 'delta not possible; running a full sync');
          full = true;
          snapshot = await this.source.full();
        }
      }
      const mode = full ? SyncMode.Full : SyncMode.Delta;
      // A full run tells the cloud to delete whatever it does not mention: one that found nobody is far more
      // likely a wrong base DN or filter than an empty organization, so it is not sent.
      if (full && snapshot.users.length === 0) throw new EmptyScopeError();
      const { batches, oversizedGroups } = toBatches(snapshot, full);
      for (const group of oversizedGroups) {
        this.logger.warn(
          { syncId, anchor: group.anchor, members: group.memberDns.length },
          'group left out of sync: too many direct members for one message',
        );
      }
      for (const [sequence, batch] of batches.entries()) {
        await this.replies.sync(
          { agentId: this.identity.agentId, syncId, mode, sequence, batchCount: batches.length, ...batch },
          SYNC_MESSAGE_TTL_MS,
        );
      }
      this.watermark = snapshot.watermark;
      if (full) this.lastFullAt = started;
      this.lastSuccessAt = this.now();
      this.lastError = undefined;
      const summary = {
        syncId,
        mode,
        users: snapshot.users.length,
        groups: snapshot.groups.length,
        deletedAnchors: snapshot.deletedAnchors.length,
        batches: batches.length,
      };
      if (full || batches.length > 0) this.logger.log({ ...summary, ms: this.now() - started }, 'sync run sent');
      return summary;
    } catch (err) {
      this.lastError =
        err instanceof EmptyScopeError
          ? err.message
          : err instanceof DirectoryError
            ? `the directory could not be read: ${err.detail}`
            : 'the sync could not be sent';
      this.logger.warn({ syncId, full, err: (err as Error).message }, 'sync run failed; retrying at the next interval');
      throw err;
    }
  }

  /** sync_lag: how long since the last completed run; failing once three intervals pass without one. */
  health(): HealthCheck {
    const reference = this.lastSuccessAt ?? this.startedAt;
    const lagSeconds = Math.round((this.now() - reference) / 1000);
    const limit = 3 * this.schedule.intervalMs;
    if (this.now() - reference <= limit) {
      return {
        name: HealthCheckName.SyncLag,
        status: this.lastSuccessAt === undefined ? HealthCheckStatus.Warn : HealthCheckStatus.Pass,
        value: lagSeconds,
        detail: this.lastSuccessAt === undefined ? 'The first identity sync has not completed yet.' : undefined,
      };
    }
    return {
      name: HealthCheckName.SyncLag,
      status: HealthCheckStatus.Fail,
      value: lagSeconds,
      detail: `Identity sync has not completed for ${lagSeconds} s${this.lastError ? `: ${this.lastError}` : ''}.`,
    };
  }
}

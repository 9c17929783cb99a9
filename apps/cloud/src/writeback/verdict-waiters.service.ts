import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PG_CHANNELS, PgNotificationsService } from '../database/pg-notifications.service';
import { MetricsService } from '../metrics/metrics.service';
import { CommandsRepository } from './commands.repository';
import type { Verdict } from './verdict';

interface Waiter {
  tenantId: string;
  /** The user the command is for (none for a connection test). */
  userId: string | null;
  type: string;
  deadlineAt: number;
  resolve(verdict: Verdict): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

export interface Wait {
  verdict: Promise<Verdict>;
  /** Gives up waiting (the command was never written). */
  cancel(): void;
}

const DEADLINE_RETRY_MS = 250;

const userKey = (tenantId: string, userId: string) => `${tenantId}/${userId}`;
/** An agent's verdict is handed to its waiter ahead of its database write only this long before the deadline. */
const EARLY_ANSWER_MARGIN_MS = 1_000;
const DEADLINE_ATTEMPTS = 8;

/**
 * Requests waiting for their command's verdict, in this replica's memory. A verdict arrives by
 * NOTIFY from whichever replica consumed it (or directly, when this replica did); at the deadline
 * the waiter settles the command itself, or re-reads it if a verdict beat it there.
 */
@Injectable()
export class VerdictWaiters implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(VerdictWaiters.name);
  private readonly waiting = new Map<string, Waiter>();
  /** Commands answered ahead of their record, by user: the user's next command waits for that record. */
  private readonly recording = new Map<string, { commandId: string; done: Promise<void>; resolve(): void }>();

  constructor(
    private readonly notifications: PgNotificationsService,
    private readonly commands: CommandsRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.notifications.listen(PG_CHANNELS.results, (payload) => this.deliver(JSON.parse(payload) as Verdict));
    this.notifications.onReconnect(() => void this.recheckAll());
  }

  /** Starts waiting; call it before the command is written, so no verdict can slip past. */
  wait(commandId: string, tenantId: string, userId: string | null, type: string, deadlineAt: Date): Wait {
    let resolve!: (v: Verdict) => void;
    let reject!: (err: unknown) => void;
    const verdict = new Promise<Verdict>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = setTimeout(
      () => void this.atDeadline(commandId, tenantId, 1),
      Math.max(0, deadlineAt.getTime() - Date.now()),
    );
    this.waiting.set(commandId, { tenantId, userId, type, deadlineAt: deadlineAt.getTime(), resolve, reject, timer });
    return {
      verdict,
      cancel: () => {
        clearTimeout(timer);
        this.waiting.delete(commandId);
      },
    };
  }

  /** Whether a request on this replica waits for the command. */
  isWaiting(commandId: string): boolean {
    return this.waiting.has(commandId);
  }

  /**
   * Hands an agent's verdict to a request waiting here before the results consumer has recorded it (the
   * record follows, and the delivery is acked only after it: a crash in between means a redelivery,
   * never a lost verdict). Only well before the deadline, where nothing else can settle the command
   * first (other replicas' sweeps start 5 s after it). Returns whether a waiter took it.
   */
  answerEarly(verdict: Verdict): boolean {
    const waiter = this.waiting.get(verdict.commandId);
    if (!waiter || waiter.tenantId !== verdict.tenantId || waiter.type !== verdict.type) return false;
    if (Date.now() > waiter.deadlineAt - EARLY_ANSWER_MARGIN_MS) return false;
    if (waiter.userId) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.recording.set(userKey(verdict.tenantId, waiter.userId), { commandId: verdict.commandId, done, resolve });
    }
    this.deliver(verdict);
    return true;
  }

  /** The results consumer is done recording a command answered early (whatever the outcome of the write). */
  recorded(commandId: string): void {
    for (const [key, entry] of this.recording) {
      if (entry.commandId !== commandId) continue;
      this.recording.delete(key);
      entry.resolve();
    }
  }

  /** Waits (at most `timeoutMs`) for the record of the user's command answered early on this replica, if any. */
  async previousRecorded(tenantId: string, userId: string, timeoutMs: number): Promise<void> {
    const entry = this.recording.get(userKey(tenantId, userId));
    if (entry) await Promise.race([entry.done, delay(timeoutMs)]);
  }

  /** A verdict from any replica; ignored unless someone here waits for it (and for that tenant). */
  deliver(verdict: Verdict): void {
    const waiter = this.waiting.get(verdict.commandId);
    if (!waiter || waiter.tenantId !== verdict.tenantId) return;
    clearTimeout(waiter.timer);
    this.waiting.delete(verdict.commandId);
    waiter.resolve(verdict);
  }

  private async atDeadline(commandId: string, tenantId: string, attempt: number): Promise<void> {
    if (!this.waiting.has(commandId)) return;
    try {
      const own = await this.commands.settleAtDeadline(commandId, tenantId);
      if (own) {
        this.metrics.writebackResults.inc({ type: own.type, outcome: own.outcome });
        this.logger.warn(
          { commandId, tenantId, outcome: own.outcome },
          'no verdict by the deadline; settled by the cloud',
        );
      }
      // Not pending any more: a verdict got there first and its notification has not arrived (yet).
      const verdict = own ?? (await this.commands.readVerdict(commandId, tenantId));
      if (!verdict) throw new Error('command neither pending nor settled');
      this.deliver(verdict);
    } catch (err) {
      if (attempt >= DEADLINE_ATTEMPTS) {
        const waiter = this.waiting.get(commandId);
        this.waiting.delete(commandId);
        this.logger.error({ err, commandId, tenantId }, 'cannot settle a command at its deadline');
        waiter?.reject(err);
        return;
      }
      const waiter = this.waiting.get(commandId);
      if (waiter)
        waiter.timer = setTimeout(() => void this.atDeadline(commandId, tenantId, attempt + 1), DEADLINE_RETRY_MS);
    }
  }

  /** After the listener reconnected: notifications may have been missed, so look each command up. */
  private async recheckAll(): Promise<void> {
    for (const [commandId, waiter] of [...this.waiting]) {
      try {
        const verdict = await this.commands.readVerdict(commandId, waiter.tenantId);
        if (verdict) this.deliver(verdict);
      } catch (err) {
        this.logger.warn(
          { err: (err as Error).message, commandId },
          'cannot re-read a command; its deadline will settle it',
        );
      }
    }
  }

  onModuleDestroy(): void {
    for (const waiter of this.waiting.values()) {
      clearTimeout(waiter.timer);
      // Another replica's sweep settles the command; this request cannot wait for it.
      waiter.reject(new DomainError(ErrorCode.BrokerUnavailable));
    }
    this.waiting.clear();
  }
}

import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SqlService } from '../database/sql.service';
import { AmqpService } from '../messaging/amqp.service';
import { MetricsService } from '../metrics/metrics.service';
import { CommandsRepository, OUTBOX_LEASE_SECONDS } from './commands.repository';

/** An outbox row ready to publish. */
export interface OutboxMessage {
  id: string;
  tenantId: string;
  commandId: string;
  messageType: string;
  exchange: string;
  routingKey: string;
  body: string;
  notAfter: Date;
}

interface OutboxRow {
  id: string;
  tenant_id: string;
  command_id: string;
  message_type: string;
  exchange: string;
  routing_key: string;
  body: string;
  not_after: Date;
}

const SWEEP_INTERVAL_MS = 1_000;
/** Well below the outbox lease (OUTBOX_LEASE_SECONDS), so a marked row is never swept again. */
const MARK_PUBLISHED_BATCH_MS = 200;
const SWEEP_BATCH = 100;
/** How long after its deadline a command with no waiter left (its replica died) is settled by the sweep. */
const ORPHAN_GRACE_SECONDS = 5;

/**
 * Publishes the outbox with publisher confirms. The issuing replica publishes its own row right after
 * commit (it holds a lease on it); the sweep, on every replica, takes the rest with
 * `FOR UPDATE SKIP LOCKED` (rows whose lease ran out: a failed publish, a dead replica), marks rows
 * published after the broker's confirm, drops rows past `notAfter`, and settles orphaned commands.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private confirmed: string[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly amqp: AmqpService,
    private readonly sql: SqlService,
    private readonly commands: CommandsRepository,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.nudge(), SWEEP_INTERVAL_MS);
  }

  /** Publishes a just-committed row now (the in-process nudge); on failure the sweep retries it. */
  publishNow(message: OutboxMessage): void {
    void this.publish(message).then((ok) => {
      if (!ok) void this.releaseLease(message.id);
    });
  }

  /** Runs a sweep unless one is running. */
  nudge(): void {
    if (this.sweeping) return;
    this.sweeping = this.sweep().finally(() => (this.sweeping = undefined));
  }

  private async publish(m: OutboxMessage): Promise<boolean> {
    const ttl = m.notAfter.getTime() - Date.now();
    if (ttl <= 0) return false;
    try {
      await this.amqp.publish(m.exchange, m.routingKey, Buffer.from(m.body, 'utf8'), {
        contentType: 'application/jose',
        messageId: m.commandId,
        type: m.messageType,
        // The broker drops it when the agent could no longer act on it anyway.
        expiration: String(ttl),
        appId: 'sspr-cloud',
      });
    } catch (err) {
      this.logger.warn(
        { commandId: m.commandId, err: (err as Error).message },
        'publish not confirmed; the sweep will retry',
      );
      return false;
    }
    this.markPublished(m.id);
    return true;
  }

  /**
   * Marks confirmed rows in batches, one UPDATE per MARK_PUBLISHED_BATCH_MS: off the request's path and
   * one statement for many commands. Until then the row's lease keeps the sweep off it, and the sweep
   * never republishes a row whose command is already settled.
   */
  private markPublished(id: string): void {
    this.confirmed.push(id);
    this.flushing ??= delay(MARK_PUBLISHED_BATCH_MS).then(() => this.flush());
  }

  private async flush(): Promise<void> {
    const ids = this.confirmed;
    this.confirmed = [];
    this.flushing = undefined;
    try {
      await this.sql.query('UPDATE outbox SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::uuid[])', [
        ids,
      ]);
    } catch (err) {
      // The lease runs out and the sweep publishes them again; a duplicate carries the same id and is settled once.
      this.logger.warn({ err: (err as Error).message, rows: ids.length }, 'cannot mark outbox rows published');
    }
  }

  private async releaseLease(id: string): Promise<void> {
    try {
      await this.sql.query('UPDATE outbox SET claimed_until = NULL WHERE id = $1::uuid AND published_at IS NULL', [id]);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'cannot release an outbox lease; it expires by itself');
    }
  }

  private async sweep(): Promise<void> {
    try {
      await this.dropExpired();
      if (this.amqp.connected) await this.publishPending();
      const orphans = await this.commands.settleOrphans(ORPHAN_GRACE_SECONDS, SWEEP_BATCH);
      for (const v of orphans) {
        this.metrics.writebackResults.inc({ type: v.type, outcome: v.outcome });
        this.logger.warn(
          { commandId: v.commandId, tenantId: v.tenantId, outcome: v.outcome },
          'orphaned command settled by the sweep',
        );
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'outbox sweep failed; next one in a second');
    }
  }

  private async dropExpired(): Promise<void> {
    const { rows } = await this.sql.query<{ command_id: string; tenant_id: string }>(
      `UPDATE outbox SET dropped_at = now()
        WHERE published_at IS NULL AND dropped_at IS NULL AND not_after <= now()
          AND (claimed_until IS NULL OR claimed_until < now())
        RETURNING command_id, tenant_id`,
    );
    for (const row of rows) {
      this.logger.warn(
        { commandId: row.command_id, tenantId: row.tenant_id },
        'command expired before it could be published; dropped',
      );
    }
  }

  private async publishPending(): Promise<void> {
    const { rows } = await this.sql.query<OutboxRow>(
      `UPDATE outbox SET claimed_until = now() + make_interval(secs => $1), attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox
                      WHERE published_at IS NULL AND dropped_at IS NULL AND not_after > now()
                        AND (claimed_until IS NULL OR claimed_until < now())
                        -- A settled command is never sent again: a late copy could overwrite a newer password.
                        AND EXISTS (SELECT 1 FROM writeback_commands c
                                     WHERE c.id = outbox.command_id AND c.state = 'pending')
                      ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, tenant_id, command_id, message_type, exchange, routing_key, body, not_after`,
      [OUTBOX_LEASE_SECONDS, SWEEP_BATCH],
    );
    await Promise.all(
      rows.map((r) =>
        this.publish({
          id: r.id,
          tenantId: r.tenant_id,
          commandId: r.command_id,
          messageType: r.message_type,
          exchange: r.exchange,
          routingKey: r.routing_key,
          body: r.body,
          notAfter: r.not_after,
        }),
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.flushing;
  }
}

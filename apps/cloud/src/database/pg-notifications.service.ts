import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { CloudConfig } from '../config/cloud-config';

/** Channels the replicas use to tell each other that something changed. */
export const PG_CHANNELS = {
  /** A command was settled: `{ commandId, tenantId, type, outcome, reason, credential, agentId, settledBy }`. */
  results: 'sspr_results',
  /** An agent was registered or revoked: `{ agentId, tenantId }`. */
  agents: 'sspr_agents',
  /** What writeback depends on changed for a tenant (settings, licence, a user's anchor): the tenant id. */
  writebackTargets: 'sspr_writeback_targets',
} as const;
export type PgChannel = (typeof PG_CHANNELS)[keyof typeof PG_CHANNELS];

/**
 * Call inside the transaction that changes what writeback depends on for a tenant (its settings or
 * licence, a user's DN, anchor or source): every replica's WritebackTargets forgets the tenant when
 * it commits.
 */
export async function announceWritebackTargetsChanged(manager: EntityManager, tenantId: string): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.writebackTargets, tenantId]);
}

const RECONNECT_DELAY_MS = 500;

/**
 * One dedicated PostgreSQL connection per replica that LISTENs and dispatches notifications to
 * in-memory handlers. Notifications sent while it was disconnected are lost, so after a reconnect
 * it calls the `onReconnect` handlers, which re-read what they wait for.
 */
@Injectable()
export class PgNotificationsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PgNotificationsService.name);
  private readonly handlers = new Map<PgChannel, ((payload: string) => void)[]>();
  private readonly reconnectHandlers: (() => void)[] = [];
  private client: Client | undefined;
  private stopped = false;

  constructor(private readonly config: CloudConfig) {}

  /** Registers a handler; call it in onModuleInit (before the listener connects). */
  listen(channel: PgChannel, handler: (payload: string) => void): void {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'sspr-cloud-listener' });
    client.on('notification', (msg) => this.dispatch(msg.channel as PgChannel, msg.payload ?? ''));
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'notification listener lost its connection; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      await client
        .end()
        .catch((e: Error) => this.logger.debug({ err: e.message }, 'closing a listener that failed to start'));
      throw err;
    }
    this.client = client;
  }

  private dispatch(channel: PgChannel, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (err) {
        this.logger.error({ err, channel }, 'notification handler failed');
      }
    }
  }

  private reconnect(broken: Client): void {
    if (this.stopped || this.client !== broken) return;
    this.client = undefined;
    broken.end().catch((err: Error) => this.logger.debug({ err: err.message }, 'closing the broken listener'));
    void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    while (!this.stopped) {
      await delay(RECONNECT_DELAY_MS);
      if (this.stopped) return;
      try {
        await this.connect();
        this.logger.log('notification listener reconnected');
        for (const handler of this.reconnectHandlers) handler();
        return;
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'notification listener cannot reconnect yet');
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }
}

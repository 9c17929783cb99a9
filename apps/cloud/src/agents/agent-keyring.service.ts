import type { KeyObject } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { publicKeyFromJwk, type SealRecipient } from '@sspr/crypto';
import { PG_CHANNELS, PgNotificationsService } from '../database/pg-notifications.service';
import { AgentsRepository } from './agents.repository';

export interface TrustedAgent {
  agentId: string;
  tenantId: string;
  /** Verifies its results and heartbeats. */
  publicKey: KeyObject;
  revoked: boolean;
}

/**
 * The agents' public keys, imported once and kept in memory per replica: the verification key of
 * each agent (replies) and the recipients of each tenant (sealing). Registration and revocation
 * invalidate them here and, through NOTIFY, on every other replica.
 */
@Injectable()
export class AgentKeyring implements OnModuleInit {
  private readonly logger = new Logger(AgentKeyring.name);
  private readonly agents = new Map<string, Promise<TrustedAgent | undefined>>();
  private readonly recipientsByTenant = new Map<string, Promise<SealRecipient[]>>();

  constructor(
    private readonly repository: AgentsRepository,
    private readonly notifications: PgNotificationsService,
  ) {}

  onModuleInit(): void {
    this.notifications.listen(PG_CHANNELS.agents, (payload) => {
      const { agentId, tenantId } = JSON.parse(payload) as { agentId: string; tenantId: string };
      this.invalidate(agentId, tenantId);
    });
    // Notifications missed while the listener was down: forget everything.
    this.notifications.onReconnect(() => {
      this.agents.clear();
      this.recipientsByTenant.clear();
    });
  }

  /** The agent named by a reply's kid, if it is registered (revoked or not). */
  trusted(agentId: string): Promise<TrustedAgent | undefined> {
    if (!isUUID(agentId)) return Promise.resolve(undefined);
    let entry = this.agents.get(agentId);
    if (!entry) {
      entry = this.loadAgent(agentId);
      this.agents.set(agentId, entry);
      // Unknown ids are not remembered (they would let anyone grow the cache).
      entry.then(
        (agent) => {
          if (!agent) this.agents.delete(agentId);
        },
        () => this.agents.delete(agentId),
      );
    }
    return entry;
  }

  /** The tenant's active agents, as recipients of sealed secrets (kid = agent id). */
  recipients(tenantId: string): Promise<SealRecipient[]> {
    let entry = this.recipientsByTenant.get(tenantId);
    if (!entry) {
      entry = this.loadRecipients(tenantId);
      this.recipientsByTenant.set(tenantId, entry);
      entry.catch(() => this.recipientsByTenant.delete(tenantId));
    }
    return entry;
  }

  /**
   * Call inside the transaction that registers or revokes an agent: the notification goes out with
   * the commit, and every replica (this one included) forgets what it knew about the agent.
   */
  async announceChange(manager: EntityManager, agentId: string, tenantId: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.agents, JSON.stringify({ agentId, tenantId })]);
  }

  /** Forgets an agent here at once (the notification would do it a moment later). */
  invalidate(agentId: string, tenantId: string): void {
    this.agents.delete(agentId);
    this.recipientsByTenant.delete(tenantId);
  }

  private async loadAgent(agentId: string): Promise<TrustedAgent | undefined> {
    const row = await this.repository.keysOf(agentId);
    if (!row) return undefined;
    return {
      agentId: row.id,
      tenantId: row.tenant_id,
      publicKey: publicKeyFromJwk(row.signing_jwk),
      revoked: row.revoked_at !== null,
    };
  }

  private async loadRecipients(tenantId: string): Promise<SealRecipient[]> {
    const rows = await this.repository.activeKeysOf(tenantId);
    this.logger.debug({ tenantId, agents: rows.length }, 'loaded the tenant agents keys');
    return rows.map((row) => ({ kid: row.id, publicKey: publicKeyFromJwk(row.encryption_jwk) }));
  }
}

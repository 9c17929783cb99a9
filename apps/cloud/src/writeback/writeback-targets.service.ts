import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PG_CHANNELS, PgNotificationsService } from '../database/pg-notifications.service';
import { CommandsRepository, type WritebackTargetRow } from './commands.repository';

/** A backstop: an entry is re-read at least this often even if a notification was lost. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

/**
 * Where a user's writeback goes (source, DN, anchor) and whether their tenant may (licence, setting),
 * kept per replica: one database round trip less on every reset. Whatever changes one of those must
 * call `announceWritebackTargetsChanged` in its transaction (the tenant settings; a directory
 * sync batch that changes a user's DN, anchor, enabled flag or deletion), which makes every replica
 * forget the tenant's entries when it commits.
 */
@Injectable()
export class WritebackTargets implements OnModuleInit {
  private readonly byTenant = new Map<string, Map<string, { row: WritebackTargetRow; until: number }>>();
  private size = 0;

  constructor(
    private readonly commands: CommandsRepository,
    private readonly notifications: PgNotificationsService,
  ) {}

  onModuleInit(): void {
    this.notifications.listen(PG_CHANNELS.writebackTargets, (tenantId) => this.forget(tenantId));
    // Notifications missed while the listener was down: forget everything.
    this.notifications.onReconnect(() => this.clear());
  }

  async find(tenantId: string, userId: string): Promise<WritebackTargetRow | undefined> {
    const hit = this.byTenant.get(tenantId)?.get(userId);
    if (hit && hit.until > Date.now()) return hit.row;
    const row = await this.commands.findTarget(tenantId, userId);
    // Unknown users are not remembered (they would let anyone grow the cache).
    if (row) this.remember(tenantId, userId, row);
    return row;
  }

  /** Forgets a tenant's entries here at once (the notification does it on every replica). */
  forget(tenantId: string): void {
    this.size -= this.byTenant.get(tenantId)?.size ?? 0;
    this.byTenant.delete(tenantId);
  }

  private remember(tenantId: string, userId: string, row: WritebackTargetRow): void {
    if (this.size >= MAX_ENTRIES) this.clear();
    let users = this.byTenant.get(tenantId);
    if (!users) {
      users = new Map<string, { row: WritebackTargetRow; until: number }>();
      this.byTenant.set(tenantId, users);
    }
    if (!users.has(userId)) this.size++;
    users.set(userId, { row, until: Date.now() + TTL_MS });
  }

  private clear(): void {
    this.byTenant.clear();
    this.size = 0;
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { generateToken, hashToken } from '../common/tokens';
import { AdminTokenEntity } from './admin-token.entity';

/** How long a replica trusts a token it has checked before it asks the database again. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/** Tenant admin bearer tokens: issued once, stored as SHA-256, looked up per request (cached briefly). */
@Injectable()
export class AdminTokensService {
  private readonly cache = new Map<string, { tenantId: string; until: number }>();

  constructor(@InjectRepository(AdminTokenEntity) private readonly tokens: Repository<AdminTokenEntity>) {}

  /** Issues a token in the caller's transaction; the clear token is returned once and never stored. */
  async issue(tenantId: string, manager: EntityManager): Promise<string> {
    const token = generateToken();
    await manager.insert(AdminTokenEntity, {
      id: randomUUID(),
      tenantId,
      tokenHash: hashToken(token),
      revokedAt: null,
    });
    return token;
  }

  /** The tenant a token belongs to, or undefined for an unknown or revoked token. */
  async tenantOf(token: string): Promise<string | undefined> {
    const hash = hashToken(token);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.tenantId;
    const row = await this.tokens.findOne({
      where: { tokenHash: hash, revokedAt: IsNull() },
      select: { tenantId: true },
    });
    if (!row) return undefined;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { tenantId: row.tenantId, until: Date.now() + CACHE_TTL_MS });
    return row.tenantId;
  }
}

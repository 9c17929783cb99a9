import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import type { AgentHeartbeatV1 } from '@sspr/contracts';
import { SqlService } from '../database/sql.service';

export interface AgentKeyRow {
  id: string;
  tenant_id: string;
  signing_jwk: JWK;
  encryption_jwk: JWK;
  revoked_at: Date | null;
}

/** The agents' SQL on the hot paths (key lookups, heartbeats); each statement names its agent or tenant. */
@Injectable()
export class AgentsRepository {
  constructor(private readonly sql: SqlService) {}

  async keysOf(agentId: string): Promise<AgentKeyRow | undefined> {
    const { rows } = await this.sql.query<AgentKeyRow>(
      'SELECT id, tenant_id, signing_jwk, encryption_jwk, revoked_at FROM agents WHERE id = $1::uuid',
      [agentId],
    );
    return rows[0];
  }

  async activeKeysOf(tenantId: string): Promise<AgentKeyRow[]> {
    const { rows } = await this.sql.query<AgentKeyRow>(
      `SELECT id, tenant_id, signing_jwk, encryption_jwk, revoked_at FROM agents
        WHERE tenant_id = $1::uuid AND revoked_at IS NULL ORDER BY registered_at`,
      [tenantId],
    );
    return rows;
  }

  /** Stores what a heartbeat says, stamped with the cloud's receive time. */
  async recordHeartbeat(agentId: string, tenantId: string, p: AgentHeartbeatV1, issuedAt: string): Promise<void> {
    await this.sql.query(
      `UPDATE agents
          SET last_heartbeat_at = now(), version = $3, host = $4,
              directory_reachable = $5, directory_latency_ms = $6,
              last_applied_at = GREATEST(last_applied_at, $7::timestamptz),
              last_result_code = COALESCE($8, last_result_code),
              last_result_at = COALESCE($9::timestamptz, last_result_at),
              directory_kind = $10, reset_history = $11, directory_detail = $12, health_checks = $13::jsonb,
              clock_skew_ms = round(extract(epoch FROM ($14::timestamptz - clock_timestamp())) * 1000)
        WHERE id = $1::uuid AND tenant_id = $2::uuid AND revoked_at IS NULL`,
      [
        agentId,
        tenantId,
        p.version,
        p.host,
        p.directory.reachable,
        p.directory.latencyMs ?? null,
        p.lastAppliedAt ?? null,
        p.lastResult?.code ?? null,
        p.lastResult?.at ?? null,
        p.directoryKind ?? null,
        p.resetHistory ?? null,
        p.directory.reachable ? null : (p.directory.detail ?? null),
        p.checks ? JSON.stringify(p.checks) : null,
        issuedAt,
      ],
    );
  }
}

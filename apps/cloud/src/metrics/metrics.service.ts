import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CloudConfig } from '../config/cloud-config';
import { SqlService } from '../database/sql.service';

/** The cloud's Prometheus metrics, on a registry of its own (several apps may share one process in tests). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** Verdicts by command type and outcome (including the cloud's own at the deadline). */
  readonly writebackResults = new Counter({
    name: 'sspr_writeback_results_total',
    help: 'Writeback commands settled, by command type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  /** From issuing a command to its verdict, as the waiting request saw it. */
  readonly roundTrip = new Histogram({
    name: 'sspr_writeback_round_trip_seconds',
    help: 'Time from issuing a writeback command to its verdict',
    labelNames: ['type'] as const,
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly repliesRefused = new Counter({
    name: 'sspr_replies_refused_total',
    help: 'Agent replies dead-lettered because they were invalid or untrusted',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  /** Directory sync batches by what became of them: applied, duplicate (a redelivery), refused. */
  readonly syncBatches = new Counter({
    name: 'sspr_sync_batches_total',
    help: 'directory.sync.v1 batches handled, by outcome (applied, duplicate, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(config: CloudConfig, sql: SqlService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'sspr_cloud_' });
    const freshnessMs = config.heartbeatFreshnessMs;
    new Gauge({
      name: 'sspr_agents',
      help: 'Registered agents by health (up_and_running, degraded, not_responding, revoked)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const { rows } = await sql.query<{ status: string; n: string }>(
          `SELECT CASE
                    WHEN revoked_at IS NOT NULL THEN 'revoked'
                    WHEN last_heartbeat_at IS NULL OR last_heartbeat_at < now() - make_interval(secs => $1) THEN 'not_responding'
                    WHEN directory_reachable = false THEN 'degraded'
                    ELSE 'up_and_running'
                  END AS status, count(*) AS n
             FROM agents GROUP BY 1`,
          [freshnessMs / 1000],
        );
        this.reset();
        for (const status of ['up_and_running', 'degraded', 'not_responding', 'revoked']) this.set({ status }, 0);
        for (const row of rows) this.set({ status: row.status }, Number(row.n));
      },
    });
  }
}

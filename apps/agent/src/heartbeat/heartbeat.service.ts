import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { ResultCode, type AgentHeartbeatV1, type HealthCheck } from '@sspr/contracts';
import type { DirectoryAdapter } from '@sspr/directory';
import type { AgentIdentity } from '../identity/agent-identity';
import type { ReplyPublisher } from '../messaging/replies';
import type { AgentState } from './agent-state';
import { brokerCheck, queueCheck } from './health-checks';

/** What the heartbeat asks the rest of the agent (each part reports its own check). */
export interface HealthProbes {
  brokerConnected: () => boolean;
  /** Commands waiting in the tenant's queue; undefined when it could not be read. */
  queueDepth: () => Promise<number | undefined>;
  /** sync_lag, when identity sync is enabled. */
  sync?: () => HealthCheck;
}

/**
 * Runs the health checks (SPEC §5.2) and tells the cloud every interval; the cloud derives the status from
 * these (clock skew it measures itself, from the heartbeat's issuedAt against its own clock).
 */
export class HeartbeatService {
  private readonly logger = new Logger(HeartbeatService.name);
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly identity: AgentIdentity,
    private readonly directory: DirectoryAdapter,
    private readonly replies: ReplyPublisher,
    private readonly state: AgentState,
    private readonly probes: HealthProbes,
    private readonly intervalMs: number,
    private readonly version: string,
  ) {}

  start(): void {
    const tick = () => {
      this.beating ??= this.beat().finally(() => (this.beating = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  /** One heartbeat; failures are logged and the next tick tries again. */
  async beat(): Promise<void> {
    try {
      await this.replies.heartbeat(await this.payload(), 3 * this.intervalMs);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'heartbeat not sent');
    }
  }

  async payload(): Promise<AgentHeartbeatV1> {
    const [report, depth] = await Promise.all([
      this.directory.checkHealth(),
      this.probes.queueDepth().catch(() => undefined),
    ]);
    const checks: HealthCheck[] = [
      ...report.checks,
      brokerCheck(this.probes.brokerConnected(), this.state.brokerDropsLastHour()),
      queueCheck(depth, this.state.takeCommandLag()),
    ];
    if (this.probes.sync) checks.push(this.probes.sync());
    return {
      agentId: this.identity.agentId,
      version: this.version,
      host: hostname(),
      startedAt: this.state.startedAt,
      directory: report.reachable
        ? { reachable: true, latencyMs: Math.round(report.latencyMs ?? 0) }
        : {
            reachable: false,
            error: report.error?.code ?? ResultCode.DirectoryUnreachable,
            detail: report.error?.detail ?? 'directory check failed',
          },
      directoryKind: this.directory.kind,
      resetHistory: report.resetHistory,
      checks,
      ...this.state.snapshot(),
    };
  }
}

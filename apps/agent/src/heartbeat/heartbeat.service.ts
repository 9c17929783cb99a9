import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { ResultCode, type AgentHeartbeatV1, type DirectoryHealth } from '@sspr/contracts';
import { DirectoryError, type DirectoryAdapter } from '@sspr/directory';
import type { AgentIdentity } from '../identity/agent-identity';
import type { ReplyPublisher } from '../messaging/replies';
import type { AgentState } from './agent-state';

/** Checks the directory and tells the cloud every interval; the cloud derives the status from these. */
export class HeartbeatService {
  private readonly logger = new Logger(HeartbeatService.name);
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly identity: AgentIdentity,
    private readonly directory: DirectoryAdapter,
    private readonly replies: ReplyPublisher,
    private readonly state: AgentState,
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
    const payload: AgentHeartbeatV1 = {
      agentId: this.identity.agentId,
      version: this.version,
      host: hostname(),
      startedAt: this.state.startedAt,
      directory: await this.checkDirectory(),
      ...this.state.snapshot(),
    };
    try {
      await this.replies.heartbeat(payload, 3 * this.intervalMs);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'heartbeat not sent');
    }
  }

  private async checkDirectory(): Promise<DirectoryHealth> {
    try {
      const { latencyMs } = await this.directory.ping();
      return { reachable: true, latencyMs: Math.round(latencyMs) };
    } catch (err) {
      const error = err instanceof DirectoryError ? err : undefined;
      return {
        reachable: false,
        error: error?.code ?? ResultCode.DirectoryUnreachable,
        detail: error?.detail ?? 'directory check failed',
      };
    }
  }
}

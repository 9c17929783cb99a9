import { ResultCode, type LastResult } from '@sspr/contracts';

const HOUR_MS = 60 * 60 * 1000;

/** What the agent has done lately, reported in every heartbeat. */
export class AgentState {
  readonly startedAt = new Date().toISOString();
  private last: LastResult | undefined;
  private lastAppliedAt: string | undefined;
  /** Longest wait (cloud issue → agent receipt) of a command since the last heartbeat took it. */
  private maxCommandLagMs: number | undefined;
  private brokerDrops: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  recordResult(code: ResultCode): void {
    const at = new Date(this.now()).toISOString();
    this.last = { code, at };
    if (code === ResultCode.Applied) this.lastAppliedAt = at;
  }

  /** How long a command waited before the agent got it (includes clock skew between cloud and agent). */
  recordCommandLag(issuedAt: string, receivedAt: number): void {
    const lag = receivedAt - Date.parse(issuedAt);
    if (Number.isFinite(lag)) this.maxCommandLagMs = Math.max(this.maxCommandLagMs ?? 0, lag);
  }

  /** The longest command wait since the previous call (undefined: no command arrived). */
  takeCommandLag(): number | undefined {
    const lag = this.maxCommandLagMs;
    this.maxCommandLagMs = undefined;
    return lag;
  }

  recordBrokerDrop(): void {
    this.brokerDrops.push(this.now());
  }

  /** Connection losses in the last hour. */
  brokerDropsLastHour(): number {
    const since = this.now() - HOUR_MS;
    this.brokerDrops = this.brokerDrops.filter((at) => at >= since);
    return this.brokerDrops.length;
  }

  snapshot(): { lastResult?: LastResult; lastAppliedAt?: string } {
    return { lastResult: this.last, lastAppliedAt: this.lastAppliedAt };
  }
}

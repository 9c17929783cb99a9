import { ResultCode, type LastResult } from '@sspr/contracts';

/** What the agent has done lately, reported in every heartbeat. */
export class AgentState {
  readonly startedAt = new Date().toISOString();
  private last: LastResult | undefined;
  private lastAppliedAt: string | undefined;

  recordResult(code: ResultCode): void {
    const at = new Date().toISOString();
    this.last = { code, at };
    if (code === ResultCode.Applied) this.lastAppliedAt = at;
  }

  snapshot(): { lastResult?: LastResult; lastAppliedAt?: string } {
    return { lastResult: this.last, lastAppliedAt: this.lastAppliedAt };
  }
}

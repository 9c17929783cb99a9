import { HealthCheckName, HealthCheckStatus, type HealthCheck } from '@sspr/contracts';

/** An agent's own health, from what the cloud last heard from it. */
export type AgentHealth = 'up_and_running' | 'degraded' | 'not_responding' | 'revoked';

export interface AgentHealthInput {
  revokedAt: Date | null;
  /** Cloud receive time of its last valid heartbeat. */
  lastHeartbeatAt: Date | null;
  directoryReachable: boolean | null;
  /** The agent's words for why the directory is unreachable. */
  directoryDetail?: string | null;
  /** The checks of its last heartbeat. */
  healthChecks?: HealthCheck[] | null;
  /** Agent clock minus cloud clock, measured at its last heartbeat. */
  clockSkewMs?: number | null;
}

export interface HealthPolicy {
  /** Heard from within this long (three heartbeat intervals) → fresh. */
  freshnessMs: number;
  /**
   * A clock this far off breaks the deadline guarantee: the agent checks `notAfter` (deadline minus the
   * safety margin) with its own clock, so a skew of the margin or more could apply a password after the
   * cloud gave up. This is the writeback safety margin.
   */
  clockSkewFailMs: number;
}

export function isFresh(agent: AgentHealthInput, now: Date, freshnessMs: number): boolean {
  return agent.lastHeartbeatAt !== null && now.getTime() - agent.lastHeartbeatAt.getTime() <= freshnessMs;
}

/** clock_skew, measured by the cloud: the heartbeat's issuedAt (agent clock) against its receipt (cloud clock). */
export function clockSkewCheck(skewMs: number, failMs: number): HealthCheck {
  const abs = Math.abs(skewMs);
  const direction = skewMs > 0 ? 'ahead of' : 'behind';
  if (abs >= failMs) {
    return {
      name: HealthCheckName.ClockSkew,
      status: HealthCheckStatus.Fail,
      value: skewMs,
      detail: `The agent's clock is ${(abs / 1000).toFixed(1)} s ${direction} the cloud's: fix its time synchronization (NTP); expired commands could otherwise be applied.`,
    };
  }
  if (abs >= failMs / 2) {
    return {
      name: HealthCheckName.ClockSkew,
      status: HealthCheckStatus.Warn,
      value: skewMs,
      detail: `The agent's clock is ${(abs / 1000).toFixed(1)} s ${direction} the cloud's.`,
    };
  }
  return { name: HealthCheckName.ClockSkew, status: HealthCheckStatus.Pass, value: skewMs };
}

/** What the agent reported, plus the clock skew the cloud measured. */
export function agentChecks(agent: AgentHealthInput, policy: HealthPolicy): HealthCheck[] {
  const checks = [...(agent.healthChecks ?? [])];
  if (agent.clockSkewMs !== null && agent.clockSkewMs !== undefined) {
    checks.push(clockSkewCheck(agent.clockSkewMs, policy.clockSkewFailMs));
  }
  return checks;
}

/** Plain-language reasons the agent is degraded (empty when it is not). */
export function agentProblems(agent: AgentHealthInput, policy: HealthPolicy): string[] {
  const problems: string[] = [];
  if (agent.directoryReachable === false) {
    problems.push(
      agent.directoryDetail
        ? `The agent cannot use the directory: ${agent.directoryDetail}.`
        : 'The agent cannot reach the directory.',
    );
  }
  for (const check of agentChecks(agent, policy)) {
    if (check.status === HealthCheckStatus.Fail) problems.push(check.detail ?? `Check ${check.name} failed.`);
  }
  return [...new Set(problems)];
}

/** Plain-language texts of the checks that warn (they do not degrade the status). */
export function agentWarnings(agent: AgentHealthInput, policy: HealthPolicy): string[] {
  return agentChecks(agent, policy)
    .filter((c) => c.status === HealthCheckStatus.Warn && c.detail !== undefined)
    .map((c) => c.detail!);
}

export function agentHealth(agent: AgentHealthInput, now: Date, policy: HealthPolicy): AgentHealth {
  if (agent.revokedAt) return 'revoked';
  if (!isFresh(agent, now, policy.freshnessMs)) return 'not_responding';
  return agentProblems(agent, policy).length > 0 ? 'degraded' : 'up_and_running';
}

/** An agent's own health, from what the cloud last heard from it. */
export type AgentHealth = 'up_and_running' | 'degraded' | 'not_responding' | 'revoked';

export interface AgentHealthInput {
  revokedAt: Date | null;
  /** Cloud receive time of its last valid heartbeat. */
  lastHeartbeatAt: Date | null;
  directoryReachable: boolean | null;
}

/** Heard from within `freshnessMs` (three heartbeat intervals). */
export function isFresh(agent: AgentHealthInput, now: Date, freshnessMs: number): boolean {
  return agent.lastHeartbeatAt !== null && now.getTime() - agent.lastHeartbeatAt.getTime() <= freshnessMs;
}

export function agentHealth(agent: AgentHealthInput, now: Date, freshnessMs: number): AgentHealth {
  if (agent.revokedAt) return 'revoked';
  if (!isFresh(agent, now, freshnessMs)) return 'not_responding';
  return agent.directoryReachable === false ? 'degraded' : 'up_and_running';
}

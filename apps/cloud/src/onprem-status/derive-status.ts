import {
  agentHealth,
  agentProblems,
  agentWarnings,
  isFresh,
  type AgentHealthInput,
  type HealthPolicy,
} from '../agents/agent-health';

/** The tenant's on-premises integration, as the admin page shows it (SPEC §4.5). */
export type OnPremStatus = 'up_and_running' | 'degraded' | 'not_responding' | 'not_configured';

export const ONPREM_STATUS_TEXT: Record<OnPremStatus, string> = {
  up_and_running: 'Your on-premises writeback client is up and running.',
  degraded:
    'Your on-premises agent is running but something it depends on is failing. Password writeback may fail until it is fixed.',
  not_responding:
    'Your on-premises agent has not been heard from recently. Check that it is running and can reach the message broker.',
  not_configured: 'No on-premises agent is registered. Install and register an agent to write passwords back.',
};

export interface DerivedStatus {
  status: OnPremStatus;
  /** Why it is degraded, in plain words (the failing checks of the fresh agents); empty otherwise. */
  reasons: string[];
  /** What needs attention soon without failing yet (e.g. a certificate near expiry), from the fresh agents. */
  warnings: string[];
}

/**
 * - no active (non-revoked) agent → not_configured;
 * - no active agent heard from within three heartbeat intervals → not_responding;
 * - no fresh agent healthy (each has the directory unreachable or a failing check) → degraded, with reasons;
 * - otherwise → up_and_running.
 */
export function deriveOnPremStatus(
  agents: readonly AgentHealthInput[],
  now: Date,
  policy: HealthPolicy,
): DerivedStatus {
  const active = agents.filter((a) => a.revokedAt === null);
  if (active.length === 0) return { status: 'not_configured', reasons: [], warnings: [] };
  const fresh = active.filter((a) => isFresh(a, now, policy.freshnessMs));
  if (fresh.length === 0) return { status: 'not_responding', reasons: [], warnings: [] };
  const warnings = [...new Set(fresh.flatMap((a) => agentWarnings(a, policy)))];
  if (fresh.some((a) => agentHealth(a, now, policy) === 'up_and_running')) {
    return { status: 'up_and_running', reasons: [], warnings };
  }
  return { status: 'degraded', reasons: [...new Set(fresh.flatMap((a) => agentProblems(a, policy)))], warnings };
}

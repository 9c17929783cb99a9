import { isFresh, type AgentHealthInput } from '../agents/agent-health';

/** The tenant's on-premises integration, as the admin page shows it (SPEC §4.5). */
export type OnPremStatus = 'up_and_running' | 'degraded' | 'not_responding' | 'not_configured';

export const ONPREM_STATUS_TEXT: Record<OnPremStatus, string> = {
  up_and_running: 'Your on-premises writeback client is up and running.',
  degraded:
    'Your on-premises agent is running but cannot reach your directory. Password writeback will fail until it can.',
  not_responding:
    'Your on-premises agent has not been heard from recently. Check that it is running and can reach the message broker.',
  not_configured: 'No on-premises agent is registered. Install and register an agent to write passwords back.',
};

/**
 * - no active (non-revoked) agent → not_configured;
 * - no active agent heard from within `freshnessMs` (three heartbeat intervals) → not_responding;
 * - every fresh agent says the directory is unreachable → degraded;
 * - otherwise → up_and_running.
 */
export function deriveOnPremStatus(agents: readonly AgentHealthInput[], now: Date, freshnessMs: number): OnPremStatus {
  const active = agents.filter((a) => a.revokedAt === null);
  if (active.length === 0) return 'not_configured';
  const fresh = active.filter((a) => isFresh(a, now, freshnessMs));
  if (fresh.length === 0) return 'not_responding';
  if (fresh.every((a) => a.directoryReachable === false)) return 'degraded';
  return 'up_and_running';
}

import { agentHealth, type AgentHealthInput } from '../agents/agent-health';
import { deriveOnPremStatus } from './derive-status';

const now = new Date('2026-11-23T12:00:00Z');
const FRESHNESS = 30_000;

function anAgent(overrides: Partial<AgentHealthInput> = {}): AgentHealthInput {
  return { revokedAt: null, lastHeartbeatAt: new Date(now.getTime() - 1_000), directoryReachable: true, ...overrides };
}
const silent = { lastHeartbeatAt: new Date(now.getTime() - FRESHNESS - 1) };
const neverHeard = { lastHeartbeatAt: null, directoryReachable: null };
const revoked = { revokedAt: new Date(now.getTime() - 60_000) };

describe('deriveOnPremStatus', () => {
  it('is not configured without agents', () => {
    expect(deriveOnPremStatus([], now, FRESHNESS)).toBe('not_configured');
  });

  it('is not configured when every agent is revoked', () => {
    expect(deriveOnPremStatus([anAgent(revoked)], now, FRESHNESS)).toBe('not_configured');
  });

  it('is not responding when no agent was heard from within three intervals', () => {
    expect(deriveOnPremStatus([anAgent(silent), anAgent(neverHeard)], now, FRESHNESS)).toBe('not_responding');
  });

  it('counts a heartbeat exactly at the freshness limit as fresh', () => {
    expect(
      deriveOnPremStatus([anAgent({ lastHeartbeatAt: new Date(now.getTime() - FRESHNESS) })], now, FRESHNESS),
    ).toBe('up_and_running');
  });

  it('is degraded when every fresh agent reports the directory unreachable', () => {
    expect(deriveOnPremStatus([anAgent({ directoryReachable: false }), anAgent(silent)], now, FRESHNESS)).toBe(
      'degraded',
    );
  });

  it('is up and running when one fresh agent reaches the directory', () => {
    expect(deriveOnPremStatus([anAgent({ directoryReachable: false }), anAgent()], now, FRESHNESS)).toBe(
      'up_and_running',
    );
  });

  it('ignores a revoked agent that still heartbeats', () => {
    expect(deriveOnPremStatus([anAgent({ ...revoked }), anAgent(silent)], now, FRESHNESS)).toBe('not_responding');
  });
});

describe('agentHealth', () => {
  it.each([
    [{}, 'up_and_running'],
    [{ directoryReachable: false }, 'degraded'],
    [silent, 'not_responding'],
    [neverHeard, 'not_responding'],
    [revoked, 'revoked'],
  ] as const)('%p → %s', (overrides, health) => {
    expect(agentHealth(anAgent(overrides), now, FRESHNESS)).toBe(health);
  });
});

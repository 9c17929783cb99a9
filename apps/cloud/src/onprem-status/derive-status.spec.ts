import { HealthCheckName, HealthCheckStatus } from '@sspr/contracts';
import { agentHealth, agentProblems, clockSkewCheck, type AgentHealthInput } from '../agents/agent-health';
import { deriveOnPremStatus } from './derive-status';

const now = new Date('2026-11-23T12:00:00Z');
const policy = { freshnessMs: 30_000, clockSkewFailMs: 2_000 };

function anAgent(overrides: Partial<AgentHealthInput> = {}): AgentHealthInput {
  return { revokedAt: null, lastHeartbeatAt: new Date(now.getTime() - 1_000), directoryReachable: true, ...overrides };
}
const silent = { lastHeartbeatAt: new Date(now.getTime() - policy.freshnessMs - 1) };
const neverHeard = { lastHeartbeatAt: null, directoryReachable: null };
const revoked = { revokedAt: new Date(now.getTime() - 60_000) };
const certExpired = {
  healthChecks: [
    { name: HealthCheckName.BindAccount, status: HealthCheckStatus.Pass },
    {
      name: HealthCheckName.TlsCertificate,
      status: HealthCheckStatus.Fail,
      detail: 'The directory’s TLS certificate expired 3 days ago.',
    },
  ],
};

describe('deriveOnPremStatus', () => {
  it('is not configured without agents', () => {
    expect(deriveOnPremStatus([], now, policy).status).toBe('not_configured');
  });

  it('is not configured when every agent is revoked', () => {
    expect(deriveOnPremStatus([anAgent(revoked)], now, policy).status).toBe('not_configured');
  });

  it('is not responding when no agent was heard from within three intervals', () => {
    expect(deriveOnPremStatus([anAgent(silent), anAgent(neverHeard)], now, policy).status).toBe('not_responding');
  });

  it('counts a heartbeat exactly at the freshness limit as fresh', () => {
    const atLimit = anAgent({ lastHeartbeatAt: new Date(now.getTime() - policy.freshnessMs) });
    expect(deriveOnPremStatus([atLimit], now, policy).status).toBe('up_and_running');
  });

  it('is degraded, with the agent’s reason, when every fresh agent reports the directory unreachable', () => {
    const down = anAgent({ directoryReachable: false, directoryDetail: 'the directory could not be reached' });
    expect(deriveOnPremStatus([down, anAgent(silent)], now, policy)).toEqual({
      status: 'degraded',
      reasons: ['The agent cannot use the directory: the directory could not be reached.'],
      warnings: [],
    });
  });

  it('is degraded by a failing check, and says which', () => {
    expect(deriveOnPremStatus([anAgent(certExpired)], now, policy)).toEqual({
      status: 'degraded',
      reasons: ['The directory’s TLS certificate expired 3 days ago.'],
      warnings: [],
    });
  });

  it('is not degraded by a warning, which it lists', () => {
    const warned = anAgent({
      healthChecks: [
        {
          name: HealthCheckName.TlsCertificate,
          status: HealthCheckStatus.Warn,
          value: 9,
          detail: 'The directory’s TLS certificate expires in 9 days.',
        },
      ],
    });
    expect(deriveOnPremStatus([warned], now, policy)).toEqual({
      status: 'up_and_running',
      reasons: [],
      warnings: ['The directory’s TLS certificate expires in 9 days.'],
    });
  });

  it('is up and running when one fresh agent is healthy', () => {
    expect(deriveOnPremStatus([anAgent({ directoryReachable: false }), anAgent()], now, policy).status).toBe(
      'up_and_running',
    );
  });

  it('ignores a revoked agent that still heartbeats', () => {
    expect(deriveOnPremStatus([anAgent({ ...revoked }), anAgent(silent)], now, policy).status).toBe('not_responding');
  });

  it('is degraded by a clock skew of the safety margin or more', () => {
    const { status, reasons } = deriveOnPremStatus([anAgent({ clockSkewMs: -2_500 })], now, policy);
    expect(status).toBe('degraded');
    expect(reasons[0]).toMatch(/2\.5 s behind the cloud's/);
  });
});

describe('clockSkewCheck', () => {
  it.each([
    [0, HealthCheckStatus.Pass],
    [999, HealthCheckStatus.Pass],
    [1_000, HealthCheckStatus.Warn],
    [-1_999, HealthCheckStatus.Warn],
    [2_000, HealthCheckStatus.Fail],
  ] as const)('%p ms → %s', (skew, status) => {
    expect(clockSkewCheck(skew, policy.clockSkewFailMs)).toMatchObject({ status, value: skew });
  });
});

describe('agentHealth', () => {
  it.each([
    [{}, 'up_and_running'],
    [{ directoryReachable: false }, 'degraded'],
    [certExpired, 'degraded'],
    [silent, 'not_responding'],
    [neverHeard, 'not_responding'],
    [revoked, 'revoked'],
  ] as const)('%p → %s', (overrides, health) => {
    expect(agentHealth(anAgent(overrides), now, policy)).toBe(health);
  });

  it('lists no problems for a healthy agent', () => {
    expect(agentProblems(anAgent(), policy)).toEqual([]);
  });
});

import { ResultCode } from '@sspr/contracts';
import { waitFor, type OnPremStatus } from '@sspr/test-support';
import { aSyncedUser, aTenant, startCloud, type CloudUnderTest, type TenantFixture } from './support/cloud-under-test';
import { ScriptedAgent } from './support/scripted-agent';

/** Matches any string (typed unknown, so it can sit in an expected object). */
const aString: unknown = expect.any(String);
const notConfiguredText: unknown = expect.stringContaining('No on-premises agent is registered');

jest.setTimeout(30_000);

describe('on-premises integration status, test connection and metrics (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;
  const agents: ScriptedAgent[] = [];

  async function anAgent(tenant: TenantFixture): Promise<ScriptedAgent> {
    const agent = await ScriptedAgent.register(cloud.baseUrl, tenant, cloud.vhost.url);
    agents.push(agent);
    return agent;
  }

  function statusBecomes(tenant: TenantFixture, wanted: OnPremStatus['status']): Promise<OnPremStatus> {
    return waitFor(
      async () => {
        const status = await tenant.admin.status(tenant.tenantId);
        return status.status === wanted ? status : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20, what: `status ${wanted}` },
    );
  }

  beforeAll(async () => {
    cloud = await startCloud();
  });

  afterAll(async () => {
    for (const agent of agents) await agent.close();
    await cloud?.stop();
  });

  it('goes from not configured to up and running to not responding', async () => {
    const tenant = await aTenant(cloud);
    const initially = await tenant.admin.status(tenant.tenantId);
    const agent = await anAgent(tenant);

    await agent.heartbeat({ reachable: true, latencyMs: 2 });
    const running = await statusBecomes(tenant, 'up_and_running');
    const silentSince = Date.now();
    const stale = await statusBecomes(tenant, 'not_responding');

    expect(initially).toEqual({
      status: 'not_configured',
      writebackEnabled: true,
      message: notConfiguredText,
      reasons: [],
      warnings: [],
      agents: [],
    });
    expect(running.agents).toEqual([
      {
        agentId: agent.agentId,
        name: 'scripted-agent',
        host: 'test-host',
        version: '0.1.0',
        status: 'up_and_running',
        lastHeartbeatAt: aString,
        directory: { reachable: true, latencyMs: 2 },
        lastSuccessfulWritebackAt: null,
        directoryKind: null,
        resetHistory: null,
        // The cloud measures the clock skew itself; the scripted agent shares its clock.
        checks: [expect.objectContaining({ name: 'clock_skew', status: 'pass' })],
        problems: [],
      },
    ]);
    // Not before three heartbeat intervals of silence.
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(2 * cloud.config.agentHeartbeatIntervalMs);
    expect(stale.agents[0]?.status).toBe('not_responding');
  });

  it('is degraded when every agent heard from reports the directory unreachable', async () => {
    const tenant = await aTenant(cloud);
    const agent = await anAgent(tenant);

    await agent.heartbeat({ reachable: false });

    const degraded = await statusBecomes(tenant, 'degraded');
    expect(degraded.agents[0]).toMatchObject({ status: 'degraded', directory: { reachable: false } });
  });

  it('stays up and running while one of two fresh agents still reaches the directory', async () => {
    const tenant = await aTenant(cloud);
    const [a, b] = [await anAgent(tenant), await anAgent(tenant)];

    await a.heartbeat({ reachable: false });
    await b.heartbeat({ reachable: true, latencyMs: 1 });

    const status = await waitFor(
      async () => {
        const s = await tenant.admin.status(tenant.tenantId);
        return s.agents.every((x) => x.lastHeartbeatAt) ? s : undefined;
      },
      { timeoutMs: 5_000, what: 'both heartbeats to be recorded' },
    );
    expect(status.status).toBe('up_and_running');
  });

  it('tests the connection through the whole path and reports who answered and how fast', async () => {
    const tenant = await aTenant(cloud);
    const agent = await anAgent(tenant);
    await agent.consume();

    const res = await tenant.admin.testConnection(tenant.tenantId);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: ResultCode.Applied, agentId: agent.agentId });
    expect(res.body.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(res.body.roundTripMs).toBeLessThan(cloud.config.writeback.deadlineMs);
    expect(agent.received.map((c) => c.message.type)).toEqual(['connection.test.v1']);
  });

  it('shows the last successful writeback per agent after a reset applied', async () => {
    const tenant = await aTenant(cloud);
    const agent = await anAgent(tenant);
    await agent.consume();
    const user = await aSyncedUser(tenant);

    const reset = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Shown-On-Status-1' });
    expect(reset.body.outcome).toBe(ResultCode.Applied);

    // The answer can reach the admin a moment before the verdict's record (the results consumer answers
    // the waiting request first, then records): the status catches up.
    const shown = await waitFor(
      async () => (await tenant.admin.status(tenant.tenantId)).agents[0]?.lastSuccessfulWritebackAt ?? undefined,
      { timeoutMs: 5000, what: 'the last successful writeback on the status' },
    );
    expect(shown).toEqual(expect.any(String));
  });

  it('exposes writeback results by outcome, the round-trip histogram and the agents gauge', async () => {
    const tenant = await aTenant(cloud);
    const agent = await anAgent(tenant);
    await agent.consume();
    await agent.heartbeat();
    const user = await aSyncedUser(tenant);
    await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Counted-1' });

    const metrics = await (await fetch(`${cloud.baseUrl}/metrics`)).text();

    expect(metrics).toMatch(/sspr_writeback_results_total\{type="password\.reset\.v1",outcome="applied"\} [1-9]/);
    expect(metrics).toMatch(/sspr_writeback_round_trip_seconds_count\{type="password\.reset\.v1"\} [1-9]/);
    expect(metrics).toMatch(/sspr_agents\{status="up_and_running"\} [1-9]/);
  });

  it('answers the liveness probe', async () => {
    const res = await fetch(`${cloud.baseUrl}/health`);

    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toEqual({ status: 'ok' });
  });
});

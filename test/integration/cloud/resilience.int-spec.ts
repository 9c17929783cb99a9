import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ResultCode } from '@sspr/contracts';
import { CloudApi, waitFor } from '@sspr/test-support';
import { aSyncedUser, aTenant, startCloud, type CloudUnderTest, type TenantFixture } from './support/cloud-under-test';
import { ScriptedAgent } from './support/scripted-agent';

jest.setTimeout(60_000);

const run = promisify(execFile);

/** The broker-side ids of the cloud's connections (named "sspr-cloud") in a vhost. */
async function cloudConnections(vhost: string): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_connections',
    '--no-table-headers',
    'pid',
    'vhost',
    'client_properties',
  ]);
  return stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([, v, properties]) => v === vhost && properties?.includes('"sspr-cloud"'))
    .map(([pid]) => pid ?? '');
}

describe('replicas and broker recovery (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;
  let tenant: TenantFixture;
  let agent: ScriptedAgent;

  beforeAll(async () => {
    cloud = await startCloud({ WRITEBACK_DEADLINE_MS: '5000', WRITEBACK_SAFETY_MARGIN_MS: '500' });
    tenant = await aTenant(cloud);
    agent = await ScriptedAgent.register(cloud.baseUrl, tenant, cloud.vhost.url);
    await agent.consume();
  });

  afterAll(async () => {
    await agent?.close();
    await cloud?.stop();
  });

  // First, while this replica is the only one: nobody else could consume or publish in its place.
  it('resumes consuming and publishing after the broker closed its connection', async () => {
    const connections = await cloudConnections(cloud.vhost.vhost);
    expect(connections).toHaveLength(1);
    const [before] = connections;

    await run('rabbitmqctl', ['-q', 'close_connection', before ?? '', 'test: connection lost']);
    const user = await aSyncedUser(tenant);
    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'After-Reconnect-1' });

    expect(res.status).toBe(200);
    const after = await waitFor(async () => (await cloudConnections(cloud.vhost.vhost)).find((pid) => pid !== before), {
      timeoutMs: 10_000,
      what: 'the cloud to reconnect',
    });
    expect(after).not.toBe(before);
  });

  it('wakes a request waiting on one replica when another replica consumed its verdict', async () => {
    const replica = await cloud.startReplica();
    const users = await Promise.all(Array.from({ length: 8 }, () => aSyncedUser(tenant)));
    const metricsBefore = await (await fetch(`${replica.baseUrl}/metrics`)).text();

    const answers = [];
    for (const user of users) {
      answers.push(await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Across-Replicas-1' }));
    }

    // The results queue is shared: the other replica consumed some of these verdicts itself.
    const consumedThere = await (await fetch(`${replica.baseUrl}/metrics`)).text();
    expect(metricsBefore).not.toMatch(/sspr_writeback_results_total\{type="password\.reset\.v1",outcome="applied"\}/);
    expect(consumedThere).toMatch(/sspr_writeback_results_total\{type="password\.reset\.v1",outcome="applied"\} [1-9]/);
    expect(answers.map((a) => a.body.outcome)).toEqual(users.map(() => ResultCode.Applied));
  });

  it('serves the admin API of a tenant from any replica', async () => {
    const replica = await cloud.startReplica();
    const user = await aSyncedUser(tenant);

    const res = await new CloudApi(replica.baseUrl, tenant.adminToken).resetPassword(tenant.tenantId, user.id, {
      password: 'Any-Replica-1',
    });

    expect(res.status).toBe(200);
  });

  it('stops writeback on every replica when the admin turns it off, even for users it has just served', async () => {
    const replica = new CloudApi((await cloud.startReplica()).baseUrl, tenant.adminToken);
    const user = await aSyncedUser(tenant);
    // This replica now remembers where the user's writeback goes and that the tenant allows it.
    const before = await replica.resetPassword(tenant.tenantId, user.id, { password: 'Before-Off-1' });
    expect(before.status).toBe(200);

    await tenant.admin.call('PATCH', `/api/v1/tenants/${tenant.tenantId}/settings`, { writebackEnabled: false });
    try {
      // The other replica hears of it through PostgreSQL (NOTIFY at commit).
      const refused = await waitFor(
        async () => {
          const res = await replica.resetPassword(tenant.tenantId, user.id, { password: 'After-Off-1' });
          return res.status === 409 ? res : undefined;
        },
        { timeoutMs: 5000, what: 'the other replica to refuse writeback' },
      );
      expect(refused.body).toMatchObject({ code: 'writeback_disabled' });
    } finally {
      await tenant.admin.call('PATCH', `/api/v1/tenants/${tenant.tenantId}/settings`, { writebackEnabled: true });
    }
  });
});

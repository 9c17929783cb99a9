import { connect, type ChannelModel } from 'amqplib';
import { EXCHANGES, REPLY_ROUTING } from '@sspr/contracts';
import { generateEncryptionKeyPair, generateSigningKeyPair, publicPart } from '@sspr/crypto';
import { waitFor } from '@sspr/test-support';
import { aTenant, startCloud, type CloudUnderTest, type TenantFixture } from './support/cloud-under-test';
import { ScriptedAgent } from './support/scripted-agent';

/** Matches any string (typed unknown, so it can sit in an expected object). */
const aString: unknown = expect.any(String);

jest.setTimeout(30_000);

interface AgentListEntry {
  agentId: string;
  status: string;
  revokedAt: string | null;
  lastHeartbeatAt: string | null;
  directory: { reachable: boolean; latencyMs?: number } | null;
}

describe('agent registration, heartbeats and revocation (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;
  let tenant: TenantFixture;
  let broker: ChannelModel;
  const agents: ScriptedAgent[] = [];

  function aRegistration(token: string, overrides: Record<string, unknown> = {}) {
    return {
      token,
      name: 'dc1-agent',
      host: 'dc1.example.test',
      version: '0.1.0',
      encryptionKey: publicPart(generateEncryptionKeyPair().publicJwk),
      signingKey: publicPart(generateSigningKeyPair().publicJwk),
      ...overrides,
    };
  }

  async function anAgent(): Promise<ScriptedAgent> {
    const agent = await ScriptedAgent.register(cloud.baseUrl, tenant, cloud.vhost.url);
    agents.push(agent);
    return agent;
  }

  async function listed(agentId: string): Promise<AgentListEntry | undefined> {
    const res = await tenant.admin.call<{ agents: AgentListEntry[] }>(
      'GET',
      `/api/v1/tenants/${tenant.tenantId}/agents`,
    );
    return res.body.agents.find((a) => a.agentId === agentId);
  }

  const deadLettered = () => cloud.deadLettered();

  beforeAll(async () => {
    cloud = await startCloud();
    tenant = await aTenant(cloud);
    broker = await connect(cloud.vhost.url, { noDelay: true });
  });

  afterAll(async () => {
    for (const agent of agents) await agent.close();
    await broker?.close();
    await cloud?.stop();
  });

  it('registers an agent with a one-time token and hands it the cloud signing key and its queue', async () => {
    const { token, expiresAt } = await tenant.admin.createRegistrationToken(tenant.tenantId);

    const res = await cloud.operator.as('').call('POST', '/api/v1/agents/register', aRegistration(token));

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      agentId: aString,
      tenantId: tenant.tenantId,
      cloudSigningKey: { kid: `cloud:${tenant.tenantId}:1`, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: aString } },
      commandQueue: `sspr.tenant.${tenant.tenantId}.commands`,
    });
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
  });

  it('accepts a registration token only once', async () => {
    const { token } = await tenant.admin.createRegistrationToken(tenant.tenantId);
    await cloud.operator.as('').call('POST', '/api/v1/agents/register', aRegistration(token));

    const again = await cloud.operator.as('').call('POST', '/api/v1/agents/register', aRegistration(token));

    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: 'invalid_registration_token' });
  });

  it('refuses a key with a private member (d) with 400 and does not spend the token', async () => {
    const { token } = await tenant.admin.createRegistrationToken(tenant.tenantId);
    const leaky = generateEncryptionKeyPair().privateJwk;

    const res = await cloud.operator
      .as('')
      .call<{ errors: string[] }>('POST', '/api/v1/agents/register', aRegistration(token, { encryptionKey: leaky }));
    const retry = await cloud.operator.as('').call('POST', '/api/v1/agents/register', aRegistration(token));

    expect(res.status).toBe(400);
    expect(res.body.errors).toContain(
      'encryptionKey.a private key member (d) must never leave the agent; send only the public key',
    );
    expect(JSON.stringify(res.body)).not.toContain(String(leaky.d));
    expect(retry.status).toBe(201);
  });

  it('refuses an encryption key on the wrong curve with 400', async () => {
    const { token } = await tenant.admin.createRegistrationToken(tenant.tenantId);

    const res = await cloud.operator
      .as('')
      .call<{ errors: string[] }>(
        'POST',
        '/api/v1/agents/register',
        aRegistration(token, { encryptionKey: publicPart(generateSigningKeyPair().publicJwk) }),
      );

    expect(res.status).toBe(400);
    expect(res.body.errors).toContain('encryptionKey.encryption key crv must be X25519');
  });

  it('lists a registered agent as not responding until its first heartbeat, then up and running', async () => {
    const agent = await anAgent();
    const before = await listed(agent.agentId);

    await agent.heartbeat({ reachable: true, latencyMs: 3 });

    const after = await waitFor(
      async () => ((await listed(agent.agentId))?.lastHeartbeatAt ? listed(agent.agentId) : undefined),
      {
        timeoutMs: 5_000,
        what: 'the heartbeat to be recorded',
      },
    );
    expect(before).toMatchObject({ status: 'not_responding', lastHeartbeatAt: null, directory: null });
    expect(after).toMatchObject({ status: 'up_and_running', directory: { reachable: true, latencyMs: 3 } });
  });

  it('marks a revoked agent as revoked and no longer records its heartbeats', async () => {
    const agent = await anAgent();
    const dead = await deadLettered();

    const revoke = await tenant.admin.call('DELETE', `/api/v1/tenants/${tenant.tenantId}/agents/${agent.agentId}`);
    await agent.heartbeat();

    await waitFor(async () => ((await deadLettered()) > dead ? true : undefined), {
      timeoutMs: 5_000,
      what: 'the revoked agent’s heartbeat to be dead-lettered',
    });
    expect(revoke.status).toBe(204);
    expect(await listed(agent.agentId)).toMatchObject({ status: 'revoked', revokedAt: aString, lastHeartbeatAt: null });
  });

  it('dead-letters an unsigned reply and keeps consuming the ones after it', async () => {
    const agent = await anAgent();
    const dead = await deadLettered();
    const channel = await broker.createConfirmChannel();
    channel.publish(EXCHANGES.replies, REPLY_ROUTING.heartbeat(tenant.tenantId), Buffer.from('{"not":"signed"}'), {
      persistent: true,
    });
    await channel.waitForConfirms();
    await channel.close();

    await agent.heartbeat();

    await waitFor(async () => ((await listed(agent.agentId))?.lastHeartbeatAt ? true : undefined), {
      timeoutMs: 5_000,
      what: 'the valid heartbeat after the garbage to be recorded',
    });
    await waitFor(async () => ((await deadLettered()) > dead ? true : undefined), {
      timeoutMs: 5_000,
      what: 'the garbage to be dead-lettered',
    });
  });

  it('does not let one tenant’s admin revoke another tenant’s agent', async () => {
    const agent = await anAgent();
    const other = await aTenant(cloud, 'Other');

    const res = await other.admin.call('DELETE', `/api/v1/tenants/${other.tenantId}/agents/${agent.agentId}`);

    expect(res.status).toBe(404);
    expect(await listed(agent.agentId)).toMatchObject({ revokedAt: null });
  });
});

import { MessageType, POLICY_REASON_TEXT, PolicyReason, RESULT_TEXT, ResultCode } from '@sspr/contracts';
import { waitFor } from '@sspr/test-support';
import { aSyncedUser, aTenant, startCloud, type CloudUnderTest, type TenantFixture } from './support/cloud-under-test';
import { ScriptedAgent } from './support/scripted-agent';

/** Matches any string (typed unknown, so it can sit in an expected object). */
const aString: unknown = expect.any(String);

jest.setTimeout(30_000);

describe('admin password reset with writeback (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;
  let tenant: TenantFixture;
  let agent: ScriptedAgent;
  const agents: ScriptedAgent[] = [];

  async function anAgent(of: TenantFixture = tenant): Promise<ScriptedAgent> {
    const a = await ScriptedAgent.register(cloud.baseUrl, of, cloud.vhost.url);
    agents.push(a);
    return a;
  }

  /**
   * The tenant's own agent stays silent while `forger` answers "applied" in its place. Returns a
   * function giving the id of the command the forger answered (once it has sent the result).
   */
  function forgeWith(forger: ScriptedAgent, options: { tenantId?: string } = {}): () => Promise<string> {
    let sent: Promise<string> | undefined;
    agent.behaviour = (c) => {
      sent = forger
        .sendResult(c.message.id, c.message.type, { code: ResultCode.Applied }, options)
        .then(() => c.message.id);
      return undefined;
    };
    return () => sent ?? Promise.reject(new Error('the command never reached the agent'));
  }

  beforeAll(async () => {
    cloud = await startCloud();
    tenant = await aTenant(cloud);
    agent = await anAgent();
    await agent.consume();
  });

  afterAll(async () => {
    for (const a of agents) await a.close();
    await cloud?.stop();
  });

  beforeEach(() => {
    agent.behaviour = () => ({ code: ResultCode.Applied });
  });

  it('writes the password back and answers 200 applied once the agent applied it', async () => {
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Correct-Horse-42' });

    expect(agent.refused).toEqual([]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resetId: aString,
      commandId: aString,
      outcome: ResultCode.Applied,
      message: RESULT_TEXT[ResultCode.Applied],
    });
    const received = agent.received.find((c) => c.message.id === res.body.commandId);
    expect(received?.password).toBe('Correct-Horse-42');
    expect(received?.message.payload).toMatchObject({ userId: user.id, target: { dn: user.dn } });
  });

  it('records the verdict on the command and the agent’s last successful writeback', async () => {
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Correct-Horse-43' });

    // The answer may reach the admin a moment before the verdict's record (answered first, then
    // recorded, then acked): wait for the record.
    const command = await waitFor(
      async () => {
        const [row] = await cloud.sql<{ state: string; outcome: string; agent_id: string }>(
          'SELECT state, outcome, agent_id FROM writeback_commands WHERE id = $1',
          [res.body.commandId],
        );
        return row?.state === 'pending' ? undefined : row;
      },
      { timeoutMs: 5000, what: 'the verdict to be recorded' },
    );
    expect(command).toEqual({ state: 'settled', outcome: 'applied', agent_id: agent.agentId });
    const [row] = await cloud.sql<{ last_applied_at: Date | null }>(
      'SELECT last_applied_at FROM agents WHERE id = $1',
      [agent.agentId],
    );
    expect(row?.last_applied_at).toBeInstanceOf(Date);
  });

  it('returns a generated temporary password only when one was asked for, and seals that one', async () => {
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, {
      generate: true,
      mustChangeAtNextSignIn: true,
    });

    expect(res.status).toBe(200);
    expect(res.body.temporaryPassword).toMatch(/^.{16}$/);
    const received = agent.received.find((c) => c.message.id === res.body.commandId);
    expect(received?.password).toBe(res.body.temporaryPassword);
    expect(received?.message.payload).toMatchObject({ mustChangeAtNextSignIn: true, unlock: false });
  });

  it('answers 422 with the policy reason when the directory rejects the password', async () => {
    agent.behaviour = () => ({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.History });
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Used-Before-1' });

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ outcome: ResultCode.RejectedByPolicy, reason: PolicyReason.History });
    expect(res.body.message).toContain(POLICY_REASON_TEXT[PolicyReason.History]);
  });

  it('answers 404 when the directory does not know the user', async () => {
    agent.behaviour = () => ({ code: ResultCode.UserNotFound });
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Whatever-123' });

    expect(res.status).toBe(404);
    expect(res.body.outcome).toBe(ResultCode.UserNotFound);
  });

  it('refuses a second reset for the same user with 409 while the first is in flight', async () => {
    agent.behaviour = () => undefined;
    const user = await aSyncedUser(tenant);
    const first = tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'First-Password-1' });
    await waitFor(
      () =>
        agent.received.some((c) => (c.message.payload as { userId?: string }).userId === user.id) ? true : undefined,
      {
        timeoutMs: 5_000,
        what: 'the first command to reach the agent',
      },
    );

    const second = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Second-Password-2' });

    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'command_in_flight' });
    await expect(first).resolves.toMatchObject({ status: 503 });
  });

  it('settles as directory_unreachable (503) at the deadline when no agent of the tenant has sent a heartbeat', async () => {
    agent.behaviour = () => undefined;
    const user = await aSyncedUser(tenant);
    const started = Date.now();

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Nobody-Answers-1' });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      outcome: ResultCode.DirectoryUnreachable,
      message: RESULT_TEXT[ResultCode.DirectoryUnreachable],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(cloud.config.writeback.deadlineMs - 50);
  });

  it('settles as expired (503) at the deadline when an agent is heartbeating but does not answer', async () => {
    agent.behaviour = () => undefined;
    const user = await aSyncedUser(tenant);
    const beating = setInterval(() => void agent.heartbeat(), cloud.config.agentHeartbeatIntervalMs);
    try {
      await agent.heartbeat();
      await waitFor(
        async () => ((await tenant.admin.status(tenant.tenantId)).status === 'up_and_running' ? true : undefined),
        {
          timeoutMs: 5_000,
          what: 'the heartbeat to be recorded',
        },
      );

      const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Too-Slow-1' });

      expect(res.status).toBe(503);
      expect(res.body.outcome).toBe(ResultCode.Expired);
    } finally {
      clearInterval(beating);
    }
  });

  it('keeps a result that arrives after the deadline as a late result, without changing the verdict', async () => {
    agent.behaviour = () => undefined;
    const user = await aSyncedUser(tenant);
    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Late-Comer-1' });
    expect(res.status).toBe(503);

    await agent.sendResult(res.body.commandId, MessageType.PasswordReset, { code: ResultCode.Applied });

    const row = await waitFor(
      async () => {
        const [r] = await cloud.sql<{ outcome: string; late_result_code: string | null }>(
          'SELECT outcome, late_result_code FROM writeback_commands WHERE id = $1',
          [res.body.commandId],
        );
        return r?.late_result_code ? r : undefined;
      },
      { timeoutMs: 5_000, what: 'the late result to be stored' },
    );
    expect(row.late_result_code).toBe(ResultCode.Applied);
    expect(row.outcome).not.toBe(ResultCode.Applied);
  });

  it('ignores a result signed by a revoked agent', async () => {
    const revoked = await anAgent();
    const revoke = await tenant.admin.call('DELETE', `/api/v1/tenants/${tenant.tenantId}/agents/${revoked.agentId}`);
    expect(revoke.status).toBe(204);
    const forged = forgeWith(revoked);
    const user = await aSyncedUser(tenant);
    const dead = await cloud.deadLettered();

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Forged-Applied-1' });

    expect(await forged()).toBe(res.body.commandId);
    expect(res.status).toBe(503);
    expect(res.body.outcome).not.toBe(ResultCode.Applied);
    expect(await cloud.deadLettered()).toBe(dead + 1);
  });

  it('no longer seals passwords to a revoked agent', async () => {
    const revoked = await anAgent();
    await tenant.admin.call('DELETE', `/api/v1/tenants/${tenant.tenantId}/agents/${revoked.agentId}`);
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Only-Active-1' });

    const received = agent.received.find((c) => c.message.id === res.body.commandId);
    const kids = (
      received?.message.payload as { secret: { recipients: { header?: { kid?: string } }[] } }
    ).secret.recipients.map((r) => r.header?.kid);
    expect(kids).toContain(agent.agentId);
    expect(kids).not.toContain(revoked.agentId);
  });

  it('ignores a result signed by another tenant’s agent for this tenant’s command', async () => {
    const other = await aTenant(cloud, 'Fabrikam');
    const foreign = await anAgent(other);
    const forged = forgeWith(foreign);
    const user = await aSyncedUser(tenant);
    const dead = await cloud.deadLettered();

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Cross-Tenant-1' });

    expect(await forged()).toBe(res.body.commandId);
    expect(res.status).toBe(503);
    expect(res.body.outcome).not.toBe(ResultCode.Applied);
    expect(await cloud.deadLettered()).toBe(dead + 1);
  });

  it('ignores a result in which another tenant’s agent speaks for this tenant', async () => {
    const other = await aTenant(cloud, 'Northwind');
    const foreign = await anAgent(other);
    const forged = forgeWith(foreign, { tenantId: tenant.tenantId });
    const user = await aSyncedUser(tenant);
    const dead = await cloud.deadLettered();

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Impostor-1' });

    expect(await forged()).toBe(res.body.commandId);
    expect(res.status).toBe(503);
    expect(res.body.outcome).not.toBe(ResultCode.Applied);
    expect(await cloud.deadLettered()).toBe(dead + 1);
  });

  it('unlocks a synced user through the agent', async () => {
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.call<{ commandId: string; outcome: string }>(
      'POST',
      `/api/v1/tenants/${tenant.tenantId}/users/${user.id}/unlock`,
    );

    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe(ResultCode.Applied);
    const received = agent.received.find((c) => c.message.id === res.body.commandId);
    expect(received?.message.type).toBe(MessageType.AccountUnlock);
  });

  it('resets a cloud-only user in the cloud itself, sending nothing to the agent', async () => {
    const created = await tenant.admin.call<{ id: string }>('POST', `/api/v1/tenants/${tenant.tenantId}/users`, {
      userPrincipalName: 'cloud.only@example.test',
      displayName: 'Cloud Only',
      source: 'cloud',
    });

    const res = await tenant.admin.resetPassword(tenant.tenantId, created.body.id, { password: 'Whatever-123' });

    expect(res.status).toBe(200);
    expect(res.body.commandId).toBeUndefined();
    expect(agent.received.filter((c) => (c.message.payload as { userId?: string }).userId === created.body.id)).toEqual(
      [],
    );
  });

  it('refuses to unlock a cloud-only user with 422 not_synced', async () => {
    const created = await tenant.admin.call<{ id: string }>('POST', `/api/v1/tenants/${tenant.tenantId}/users`, {
      userPrincipalName: 'cloud.locked@example.test',
      displayName: 'Cloud Locked',
      source: 'cloud',
    });

    const res = await tenant.admin.call('POST', `/api/v1/tenants/${tenant.tenantId}/users/${created.body.id}/unlock`);

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'not_synced' });
  });

  it('answers 503 not_configured when the tenant has no active agent', async () => {
    const lonely = await aTenant(cloud, 'Lonely');
    const user = await aSyncedUser(lonely);

    const res = await lonely.admin.resetPassword(lonely.tenantId, user.id, { password: 'Whatever-123' });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'not_configured' });
  });

  it('refuses a reset with 409 writeback_disabled when the tenant turned writeback off', async () => {
    const off = await aTenant(cloud, 'Off');
    await anAgent(off);
    await off.admin.call('PATCH', `/api/v1/tenants/${off.tenantId}/settings`, { writebackEnabled: false });
    const user = await aSyncedUser(off);

    const res = await off.admin.resetPassword(off.tenantId, user.id, { password: 'Whatever-123' });

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'writeback_disabled' });
  });

  it('answers 400 with the validation messages when both a password and generate are given', async () => {
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.call<{ code: string; errors: string[] }>(
      'POST',
      `/api/v1/tenants/${tenant.tenantId}/users/${user.id}/password-resets`,
      { password: 'Both-Given-1', generate: true },
    );

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_input');
    expect(res.body.errors).toContain('give either a password or generate: true, not both');
    expect(JSON.stringify(res.body)).not.toContain('Both-Given-1');
  });

  it('leaves no password in clear in any table after resets', async () => {
    const user = await aSyncedUser(tenant);
    const chosen = 'Unmistakable-Pa55word-Zq';
    const chosenRes = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: chosen });
    const generatedRes = await tenant.admin.resetPassword(tenant.tenantId, user.id, { generate: true });
    expect([chosenRes.status, generatedRes.status]).toEqual([200, 200]);
    const secrets = [chosen, generatedRes.body.temporaryPassword ?? 'missing'].flatMap((p) => [
      p,
      Buffer.from(p).toString('base64'),
      Buffer.from(p).toString('base64url'),
    ]);

    const columns = await cloud.sql<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')`,
    );
    expect(columns.length).toBeGreaterThan(10);
    const hits: string[] = [];
    for (const { table_name, column_name } of columns) {
      const rows = await cloud.sql<{ n: string }>(
        `SELECT count(*) AS n FROM "${table_name}" WHERE position($1 in "${column_name}"::text) > 0
            OR position($2 in "${column_name}"::text) > 0 OR position($3 in "${column_name}"::text) > 0
            OR position($4 in "${column_name}"::text) > 0 OR position($5 in "${column_name}"::text) > 0
            OR position($6 in "${column_name}"::text) > 0`,
        secrets,
      );
      if (rows[0]?.n !== '0') hits.push(`${table_name}.${column_name}`);
    }
    expect(hits).toEqual([]);
  });
});

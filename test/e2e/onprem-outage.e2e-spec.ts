import { ResultCode } from '@sspr/contracts';
import { canBind, startEnvironment, waitFor, type Environment } from '@sspr/test-support';

const HEARTBEAT_MS = 1000;

describe('when the agent or the directory is down', () => {
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment({ deadlineMs: 5000, heartbeatIntervalMs: HEARTBEAT_MS });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const statusIs = (wanted: string) => async () =>
    (await env.admin.status(env.tenantId)).status === wanted ? true : undefined;

  it('answers "directory unreachable" by the deadline with every agent stopped, and never applies that password later', async () => {
    const user = env.users[0]!;
    await env.agent.stop();
    const res = await env.admin.resetPassword(env.tenantId, user.id, { password: 'Too-Late-Pass-123' });
    expect(res.status).toBe(503);
    expect(res.body.outcome).toBe(ResultCode.DirectoryUnreachable);

    env.agent.start();
    await waitFor(statusIs('up_and_running'), { timeoutMs: 20_000, what: 'the agent to come back' });
    // The queue is first in, first out: once a later no-op has made the round trip, the stale command
    // has been taken and answered too.
    const probe = await env.admin.testConnection(env.tenantId);
    expect(probe.body.outcome).toBe(ResultCode.Applied);
    await expect(canBind(env.slapd.url, user.dn, user.password)).resolves.toBe(true);
    await expect(canBind(env.slapd.url, user.dn, 'Too-Late-Pass-123')).resolves.toBe(false);
  });

  it('shows "not responding" within 30 s of the last agent dying, and "up and running" when it returns', async () => {
    await env.agent.stop('SIGKILL');
    await waitFor(statusIs('not_responding'), { timeoutMs: 30_000, what: 'status not_responding' });
    env.agent.start();
    await waitFor(statusIs('up_and_running'), { timeoutMs: 20_000, what: 'status up_and_running' });
  });

  it('shows "degraded" while slapd is stopped, and "up and running" when it is back', async () => {
    await env.slapd.stop();
    try {
      await waitFor(statusIs('degraded'), { timeoutMs: 30_000, what: 'status degraded' });
      const status = await env.admin.status(env.tenantId);
      expect(status.agents[0]?.directory?.reachable).toBe(false);
    } finally {
      await env.slapd.start();
    }
    await waitFor(statusIs('up_and_running'), { timeoutMs: 30_000, what: 'status up_and_running again' });
  });

  it('answers "directory unreachable" at once while slapd is stopped, and applies nothing', async () => {
    const user = env.users[1]!;
    await env.slapd.stop();
    let res;
    try {
      res = await env.admin.resetPassword(env.tenantId, user.id, { password: 'While-Down-Pass-1' });
    } finally {
      await env.slapd.start();
    }
    expect(res.body.outcome).toBe(ResultCode.DirectoryUnreachable);
    await expect(canBind(env.slapd.url, user.dn, user.password)).resolves.toBe(true);
  });
});

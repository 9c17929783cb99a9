import { ResultCode } from '@sspr/contracts';
import { canBind, startEnvironment, type Environment } from '@sspr/test-support';

const RESETS_PER_USER = 4;

describe('SIGKILL of the agent in the middle of a burst of resets', () => {
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment({ deadlineMs: 20_000 });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('ends every request in a definite state, and each user holds exactly the last password reported applied', async () => {
    const users = env.users.slice(0, 50);
    const total = users.length * RESETS_PER_USER;
    let answered = 0;
    let crash: Promise<void> | undefined;
    const lastApplied = new Map<string, string>();
    const outcomes: ResultCode[] = [];

    // One sequential chain per user (the cloud allows one command in flight per user), all users at once.
    await Promise.all(
      users.map(async (user, u) => {
        for (let k = 0; k < RESETS_PER_USER; k++) {
          const password = `Burst-${u}-${k}-Pass-Aa1`;
          const res = await env.admin.resetPassword(env.tenantId, user.id, { password });
          outcomes.push(res.body.outcome);
          if (res.body.outcome === ResultCode.Applied) lastApplied.set(user.id, password);
          answered++;
          if (answered === Math.floor(total / 3) && !crash) {
            crash = env.agent.stop('SIGKILL').then(() => env.agent.start());
          }
        }
      }),
    );
    await crash;

    expect(outcomes).toHaveLength(total);
    const definite = new Set<string>(Object.values(ResultCode));
    for (const outcome of outcomes) expect(definite.has(outcome)).toBe(true);
    expect(outcomes.filter((o) => o === ResultCode.Applied).length).toBeGreaterThan(total / 2);

    for (const user of users) {
      const expected = lastApplied.get(user.id) ?? user.password;
      await expect(canBind(env.slapd.url, user.dn, expected)).resolves.toBe(true);
    }
  });
});

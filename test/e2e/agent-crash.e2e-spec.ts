import { ResultCode } from '@sspr/contracts';
import { canBind, startEnvironment, type Environment } from '@sspr/test-support';

const RESETS_PER_USER = 4;

describe('SIGKILL of the agent, twice, in the middle of a burst of resets', () => {
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment({ deadlineMs: 20_000 });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('ends every request in a definite state that matches the directory, and each user ends with the last password reported applied', async () => {
    const users = env.users.slice(0, 50);
    const total = users.length * RESETS_PER_USER;
    let answered = 0;
    // Two crashes, a quarter and half-way through: commands in the agent's hands at each kill are redelivered.
    const crashes: Promise<void>[] = [];
    const crashAt = new Set([Math.floor(total / 4), Math.floor(total / 2)]);
    const lastApplied = new Map<string, string>();
    const outcomes: ResultCode[] = [];
    const mismatches: string[] = [];

    // One sequential chain per user (the cloud allows one command in flight per user), all users at once.
    await Promise.all(
      users.map(async (user, u) => {
        for (let k = 0; k < RESETS_PER_USER; k++) {
          const password = `Burst-${u}-${k}-Pass-Aa1`;
          const res = await env.admin.resetPassword(env.tenantId, user.id, { password });
          outcomes.push(res.body.outcome);
          if (res.body.outcome === ResultCode.Applied) lastApplied.set(user.id, password);
          // The user's truth right after the answer (nothing else is in flight for this user): the
          // password is in the directory exactly when the API said it was applied.
          const inDirectory = await canBind(env.slapd.url, user.dn, password);
          if (inDirectory !== (res.body.outcome === ResultCode.Applied)) {
            mismatches.push(`${user.uid} #${k}: told ${res.body.outcome}, in directory: ${inDirectory}`);
          }
          answered++;
          if (crashAt.has(answered)) {
            crashAt.delete(answered);
            const previous = crashes.at(-1) ?? Promise.resolve();
            crashes.push(previous.then(() => env.agent.stop('SIGKILL')).then(() => env.agent.start()));
          }
        }
      }),
    );
    await Promise.all(crashes);
    expect(crashes).toHaveLength(2);

    expect(outcomes).toHaveLength(total);
    expect(mismatches).toEqual([]);
    const definite = new Set<string>(Object.values(ResultCode));
    for (const outcome of outcomes) expect(definite.has(outcome)).toBe(true);
    expect(outcomes.filter((o) => o === ResultCode.Applied).length).toBeGreaterThan(total / 2);

    for (const user of users) {
      const expected = lastApplied.get(user.id) ?? user.password;
      await expect(canBind(env.slapd.url, user.dn, expected)).resolves.toBe(true);
    }
  });
});

import { PolicyReason, ResultCode } from '@sspr/contracts';
import { canBind, startEnvironment, type Environment, type SyncedUser } from '@sspr/test-support';

describe('admin reset of a synced user, through the cloud, the broker and the agent into slapd', () => {
  let env: Environment;
  let next = 0;
  const aUser = (): SyncedUser => {
    const user = env.users[next++];
    if (!user) throw new Error('out of seeded users');
    return user;
  };

  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('applies the new password: the user binds with it and no longer with the old one', async () => {
    const user = aUser();
    const res = await env.admin.resetPassword(env.tenantId, user.id, { password: 'Brand-New-Pass-1' });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe(ResultCode.Applied);
    await expect(canBind(env.slapd.url, user.dn, 'Brand-New-Pass-1')).resolves.toBe(true);
    await expect(canBind(env.slapd.url, user.dn, user.password)).resolves.toBe(false);
  });

  it('answers "rejected by policy: too short" for a short password and changes nothing', async () => {
    const user = aUser();
    const res = await env.admin.resetPassword(env.tenantId, user.id, { password: 'Sh0rt' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ outcome: ResultCode.RejectedByPolicy, reason: PolicyReason.TooShort });
    expect(res.body.message).toMatch(/too short/i);
    await expect(canBind(env.slapd.url, user.dn, user.password)).resolves.toBe(true);
  });

  it('answers "rejected by policy: history" for a reused password and changes nothing', async () => {
    const user = aUser();
    const first = await env.admin.resetPassword(env.tenantId, user.id, { password: 'First-Reset-Pass-1' });
    expect(first.body.outcome).toBe(ResultCode.Applied);
    await env.admin.resetPassword(env.tenantId, user.id, { password: 'Second-Reset-Pass-2' });
    const reused = await env.admin.resetPassword(env.tenantId, user.id, { password: 'First-Reset-Pass-1' });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ outcome: ResultCode.RejectedByPolicy, reason: PolicyReason.History });
    await expect(canBind(env.slapd.url, user.dn, 'Second-Reset-Pass-2')).resolves.toBe(true);
  });

  it('returns a generated temporary password that binds', async () => {
    const user = aUser();
    const res = await env.admin.resetPassword(env.tenantId, user.id, { generate: true, mustChangeAtNextSignIn: true });
    expect(res.body.outcome).toBe(ResultCode.Applied);
    expect(res.body.temporaryPassword).toEqual(expect.any(String));
    await expect(canBind(env.slapd.url, user.dn, res.body.temporaryPassword ?? '')).resolves.toBe(true);
  });

  it('answers "user not found" for a synced user whose entry is gone from the directory', async () => {
    const ghost = await env.admin.createSyncedUser(env.tenantId, {
      userPrincipalName: 'ghost@example.test',
      displayName: 'Ghost',
      dn: `uid=ghost,ou=people,${env.slapd.baseDn}`,
      immutableId: '00000000-0000-4000-8000-000000000000',
    });
    const res = await env.admin.resetPassword(env.tenantId, ghost.id, { password: 'Ghost-Pass-12345' });
    expect(res.status).toBe(404);
    expect(res.body.outcome).toBe(ResultCode.UserNotFound);
  });

  it('round-trips a signed no-op through "test connection"', async () => {
    const res = await env.admin.testConnection(env.tenantId);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe(ResultCode.Applied);
    expect(res.body.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(res.body.message).toMatch(/writeback works/);
  });
});

import { CloudApi, startDirectoryEnvironment, type DirectoryEnvironment } from '@sspr/test-support';

interface SessionAnswer {
  sessionToken: string;
  scope: 'full' | 'change_password';
  mustChangePassword: boolean;
}
interface Answer {
  code?: string;
  outcome?: string;
  reason?: string;
}

/**
 * Pass-through sign-in and password change for synced users, through the whole product (cloud → broker →
 * agent → directory and back), on OpenLDAP and on a Samba AD DC: SPEC §3.5, issue 3 done-when 3 and 6.
 */
describe.each(['openldap', 'active_directory'] as const)('pass-through sign-in and change on %s', (kind) => {
  let env: DirectoryEnvironment;
  let next = 0;
  const aPerson = () => {
    const p = env.people[next++];
    if (!p) throw new Error('ran out of people');
    return p;
  };
  const anonymous = () => new CloudApi(env.stack.cloudUrl);
  const signIn = (upn: string, password: string) =>
    anonymous().call<SessionAnswer & Answer>('POST', `/api/v1/tenants/${env.tenantId}/auth/sign-in`, {
      userPrincipalName: upn,
      password,
    });
  const change = (token: string, currentPassword: string, newPassword: string) =>
    new CloudApi(env.stack.cloudUrl, token).call<Answer>('POST', `/api/v1/tenants/${env.tenantId}/me/password`, {
      currentPassword,
      newPassword,
    });

  beforeAll(async () => {
    env = await startDirectoryEnvironment({ kind, heartbeatIntervalMs: 1000, agentEnv: { SYNC_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('signs a user in with the directory password, and refuses a wrong one', async () => {
    const person = aPerson();

    const valid = await signIn(person.userPrincipalName, person.password);
    const invalid = await signIn(person.userPrincipalName, 'Wrong-Password-77!');

    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ scope: 'full', mustChangePassword: false });
    expect(invalid.status).toBe(401);
  });

  it('says the account is locked when bad binds locked it in the directory', async () => {
    const person = aPerson();
    await env.directory.lockOut(person);

    const res = await signIn(person.userPrincipalName, person.password);

    expect(res.status).toBe(423);
  });

  it('after an admin reset with must-change: a session that can only change the password, then a normal sign-in', async () => {
    const person = aPerson();
    const reset = await env.admin.resetPassword(env.tenantId, person.id, {
      password: 'Temporary-Pass-2026!',
      mustChangeAtNextSignIn: true,
    });
    expect(reset.status).toBe(200);

    const first = await signIn(person.userPrincipalName, 'Temporary-Pass-2026!');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ scope: 'change_password', mustChangePassword: true });

    const changed = await change(first.body.sessionToken, 'Temporary-Pass-2026!', 'Chosen-By-Me-2026!');
    expect(changed.status).toBe(200);
    expect(await env.directory.canBind(person.dn, 'Chosen-By-Me-2026!')).toBe(true);
    const again = await signIn(person.userPrincipalName, 'Chosen-By-Me-2026!');
    expect(again.body).toMatchObject({ scope: 'full', mustChangePassword: false });
  });

  it('changes a known password in the directory as the user; the directory’s history then refuses going back', async () => {
    const person = aPerson();
    const session = (await signIn(person.userPrincipalName, person.password)).body;

    const changed = await change(session.sessionToken, person.password, 'My-New-Secret-2026!');
    expect(changed.status).toBe(200);
    expect(await env.directory.canBind(person.dn, 'My-New-Secret-2026!')).toBe(true);
    expect(await env.directory.canBind(person.dn, person.password)).toBe(false);

    const again = (await signIn(person.userPrincipalName, 'My-New-Secret-2026!')).body;
    const back = await change(again.sessionToken, 'My-New-Secret-2026!', person.password);
    expect(back.status).toBe(422);
    expect(back.body).toMatchObject({ outcome: 'rejected_by_policy', reason: 'history' });
    expect(await env.directory.canBind(person.dn, 'My-New-Secret-2026!')).toBe(true);
  });

  it('refuses a change with a wrong current password and changes nothing', async () => {
    const person = aPerson();
    const session = (await signIn(person.userPrincipalName, person.password)).body;

    const res = await change(session.sessionToken, 'Not-My-Password-1!', 'Never-Applied-2026!');

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ outcome: 'invalid_credentials' });
    expect(await env.directory.canBind(person.dn, person.password)).toBe(true);
  });
});

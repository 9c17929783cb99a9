import { createHash, randomBytes } from 'node:crypto';
import {
  CREDENTIAL_VERDICT_TEXT,
  CredentialVerdict,
  MessageType,
  POLICY_REASON_TEXT,
  PolicyReason,
  RESULT_TEXT,
  ResultCode,
} from '@sspr/contracts';
import { CloudApi, waitFor, type ApiResponse } from '@sspr/test-support';
import { aTenant, startCloud, type CloudUnderTest, type TenantFixture } from './support/cloud-under-test';
import { ScriptedAgent, type ReceivedCommand, type Reply } from './support/scripted-agent';

jest.setTimeout(30_000);

interface SessionAnswer {
  sessionToken: string;
  expiresAt: string;
  scope: 'full' | 'change_password';
  mustChangePassword: boolean;
  user: { id: string; userPrincipalName: string; displayName: string };
}

interface ErrorAnswer {
  statusCode: number;
  code: string;
  message: string;
  errors?: string[];
  outcome?: ResultCode;
  reason?: PolicyReason;
  commandId?: string;
}

interface ChangeAnswer {
  outcome: ResultCode;
  message: string;
  commandId?: string;
  signInAgain: boolean;
}

/** A user as a test knows them: who they are and the password they know. */
interface KnownUser {
  id: string;
  upn: string;
  password: string;
}

/**
 * The scripted agent's directory: a password and a state per synced user. It decides every verify and
 * change by the passwords it decrypted from the command, so a right answer proves the cloud sealed the
 * right secrets.
 */
interface DirectoryEntry {
  password: string;
  /** What a bind with the right password says (default: valid). */
  state?: CredentialVerdict;
  /** The directory's policy refuses any new password, for this reason. */
  refuseNew?: PolicyReason;
  /** Commands of these types get no answer. */
  silentFor?: MessageType[];
}

let n = 0;
const unique = () => `${++n}.${randomBytes(3).toString('hex')}`;
const aPassword = () => `Pa55-${randomBytes(6).toString('base64url')}`;

describe('sign-in and password change (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;
  let tenant: TenantFixture;
  let agent: ScriptedAgent;
  const agents: ScriptedAgent[] = [];
  const directory = new Map<string, DirectoryEntry>();

  function directoryAnswer(c: ReceivedCommand): Reply | undefined {
    const userId = (c.message.payload as { userId?: string }).userId;
    const entry = userId === undefined ? undefined : directory.get(userId);
    if (c.message.type === MessageType.ConnectionTest) return { code: ResultCode.Applied };
    if (!entry) return { code: ResultCode.UserNotFound };
    if (entry.silentFor?.includes(c.message.type)) return undefined;
    if (c.message.type === MessageType.CredentialsVerify) {
      if (c.password !== entry.password) return { code: ResultCode.Applied, credential: CredentialVerdict.Invalid };
      return { code: ResultCode.Applied, credential: entry.state ?? CredentialVerdict.Valid };
    }
    if (c.message.type === MessageType.PasswordChange) {
      if (c.currentPassword !== entry.password) return { code: ResultCode.InvalidCredentials };
      if (entry.refuseNew) return { code: ResultCode.RejectedByPolicy, reason: entry.refuseNew };
      entry.password = c.newPassword ?? '';
      entry.state = undefined;
      return { code: ResultCode.Applied };
    }
    if (c.message.type === MessageType.PasswordReset) entry.password = c.password ?? '';
    return { code: ResultCode.Applied };
  }

  const anonymous = () => new CloudApi(cloud.baseUrl);
  const asUser = (token: string) => new CloudApi(cloud.baseUrl, token);

  function signIn(
    upn: string,
    password: string,
    of: TenantFixture = tenant,
  ): Promise<ApiResponse<SessionAnswer & ErrorAnswer>> {
    return anonymous().call('POST', `/api/v1/tenants/${of.tenantId}/auth/sign-in`, {
      userPrincipalName: upn,
      password,
    });
  }

  async function signedIn(user: KnownUser, of: TenantFixture = tenant): Promise<SessionAnswer> {
    const res = await signIn(user.upn, user.password, of);
    if (res.status !== 200) throw new Error(`sign-in refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  function me(token: string, of: TenantFixture = tenant): Promise<ApiResponse<ErrorAnswer & { id: string }>> {
    return asUser(token).call('GET', `/api/v1/tenants/${of.tenantId}/me`);
  }

  function changePassword(
    token: string,
    currentPassword: string,
    newPassword: string,
    of: TenantFixture = tenant,
  ): Promise<ApiResponse<ChangeAnswer & ErrorAnswer>> {
    return asUser(token).call('POST', `/api/v1/tenants/${of.tenantId}/me/password`, { currentPassword, newPassword });
  }

  async function aCloudUser(
    of: TenantFixture = tenant,
    options: { password?: string | null; mustChangeAtNextSignIn?: boolean } = {},
  ): Promise<KnownUser> {
    const upn = `cloud${unique()}@example.test`;
    const password = options.password === undefined ? aPassword() : options.password;
    const res = await of.admin.call<{ id: string }>('POST', `/api/v1/tenants/${of.tenantId}/users`, {
      userPrincipalName: upn,
      displayName: `Cloud ${upn}`,
      source: 'cloud',
      ...(password === null ? {} : { password }),
      ...(options.mustChangeAtNextSignIn ? { mustChangeAtNextSignIn: true } : {}),
    });
    if (res.status !== 201) throw new Error(`user refused: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, upn, password: password ?? '' };
  }

  async function aDirectoryUser(
    entry: Partial<DirectoryEntry> = {},
    of: TenantFixture = tenant,
  ): Promise<KnownUser & { dn: string }> {
    const id = unique();
    const upn = `synced${id}@example.test`;
    const dn = `uid=synced${id},ou=people,dc=example,dc=test`;
    const user = await of.admin.createSyncedUser(of.tenantId, {
      userPrincipalName: upn,
      displayName: `Synced ${id}`,
      dn,
    });
    const password = entry.password ?? aPassword();
    directory.set(user.id, { ...entry, password });
    return { id: user.id, upn, dn, password };
  }

  const commandsFor = (userId: string, type: MessageType) =>
    agent.received.filter(
      (c) => c.message.type === type && (c.message.payload as { userId?: string }).userId === userId,
    );

  async function aTenantWith(licence: 'free' | 'basic' | 'premium'): Promise<TenantFixture> {
    const res = await cloud.operator.call<{ tenant: { id: string }; adminToken: string }>('POST', '/api/v1/tenants', {
      name: `${licence} ${unique()}`,
      licence,
    });
    return {
      tenantId: res.body.tenant.id,
      adminToken: res.body.adminToken,
      admin: new CloudApi(cloud.baseUrl, res.body.adminToken),
    };
  }

  beforeAll(async () => {
    cloud = await startCloud();
    tenant = await aTenant(cloud);
    agent = await ScriptedAgent.register(cloud.baseUrl, tenant, cloud.vhost.url);
    agents.push(agent);
    agent.behaviour = directoryAnswer;
    await agent.consume();
  });

  afterAll(async () => {
    for (const a of agents) await a.close();
    await cloud?.stop();
  });

  describe('a cloud-only user', () => {
    it('signs in with the password the admin gave at creation, and the session opens their account', async () => {
      const user = await aCloudUser();

      const res = await signIn(user.upn, user.password);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        sessionToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
        expiresAt: expect.any(String) as unknown,
        scope: 'full',
        mustChangePassword: false,
        user: { id: user.id, userPrincipalName: user.upn, displayName: `Cloud ${user.upn}` },
      });
      const expiresIn = Date.parse(res.body.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(55 * 60_000);
      expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);
      await expect(me(res.body.sessionToken)).resolves.toMatchObject({ status: 200, body: { id: user.id } });
    });

    it('matches the user principal name whatever its case', async () => {
      const user = await aCloudUser();

      const res = await signIn(user.upn.toUpperCase(), user.password);

      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(user.id);
    });

    it('is refused with 401 invalid_credentials for a wrong password', async () => {
      const user = await aCloudUser();

      const res = await signIn(user.upn, `${user.password}x`);

      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        statusCode: 401,
        code: 'invalid_credentials',
        message: CREDENTIAL_VERDICT_TEXT[CredentialVerdict.Invalid],
      });
    });

    it('gets the same answer for an unknown user as for a wrong password', async () => {
      const user = await aCloudUser();

      const unknown = await signIn(`nobody${unique()}@example.test`, user.password);
      const wrong = await signIn(user.upn, 'Wrong-Password-1');

      expect(unknown.status).toBe(401);
      expect(unknown).toEqual(wrong);
    });

    it('without a password cannot sign in at all', async () => {
      const user = await aCloudUser(tenant, { password: null });

      await expect(signIn(user.upn, 'Anything-At-All-1')).resolves.toMatchObject({ status: 401 });
    });

    it('refuses an initial password that breaks the cloud’s rules, without quoting it', async () => {
      const res = await tenant.admin.call<ErrorAnswer>('POST', `/api/v1/tenants/${tenant.tenantId}/users`, {
        userPrincipalName: `short${unique()}@example.test`,
        displayName: 'Short',
        source: 'cloud',
        password: 'Tiny-1',
      });

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'password_rejected',
        errors: ['The password must be 8 to 256 characters long.'],
      });
      expect(JSON.stringify(res.body)).not.toContain('Tiny-1');
    });

    it('is refused with 403 account_disabled once the password is right, when the account is disabled', async () => {
      const user = await aCloudUser();
      // No admin API disables a user yet (directory sync will); the flag is set where sync will set it.
      await cloud.sql('UPDATE users SET enabled = false WHERE id = $1 AND tenant_id = $2', [user.id, tenant.tenantId]);

      const right = await signIn(user.upn, user.password);
      const wrong = await signIn(user.upn, 'Wrong-Password-1');

      expect(right.status).toBe(403);
      expect(right.body.code).toBe('account_disabled');
      expect(wrong.status).toBe(401);
    });

    it('who must change the password gets a session that can only change it, then signs in with the new one', async () => {
      const user = await aCloudUser(tenant, { mustChangeAtNextSignIn: true });
      const replacement = aPassword();

      const session = await signedIn(user);
      const elsewhere = await me(session.sessionToken);
      const change = await changePassword(session.sessionToken, user.password, replacement);

      expect(session).toMatchObject({ scope: 'change_password', mustChangePassword: true });
      expect(Date.parse(session.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.code).toBe('password_change_required');
      expect(change.status).toBe(200);
      expect(change.body).toEqual({
        outcome: ResultCode.Applied,
        message: 'Your password was changed.',
        signInAgain: true,
      });
      await expect(me(session.sessionToken)).resolves.toMatchObject({ status: 401 });
      await expect(signIn(user.upn, replacement)).resolves.toMatchObject({
        status: 200,
        body: { scope: 'full', mustChangePassword: false },
      });
    });

    it('changes the password: the old one stops working, the new one works, other sessions end', async () => {
      const user = await aCloudUser();
      const replacement = aPassword();
      const current = await signedIn(user);
      const other = await signedIn(user);

      const change = await changePassword(current.sessionToken, user.password, replacement);

      expect(change.status).toBe(200);
      expect(change.body).toMatchObject({ outcome: ResultCode.Applied, signInAgain: false });
      await expect(signIn(user.upn, user.password)).resolves.toMatchObject({ status: 401 });
      await expect(signIn(user.upn, replacement)).resolves.toMatchObject({ status: 200 });
      await expect(me(other.sessionToken)).resolves.toMatchObject({ status: 401 });
      await expect(me(current.sessionToken)).resolves.toMatchObject({ status: 200 });
    });

    it('cannot change the password with a wrong current one (422 invalid_credentials), and keeps it', async () => {
      const user = await aCloudUser();
      const session = await signedIn(user);

      const res = await changePassword(session.sessionToken, 'Not-The-Password-1', aPassword());

      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        statusCode: 422,
        code: 'invalid_credentials',
        outcome: ResultCode.InvalidCredentials,
        message: RESULT_TEXT[ResultCode.InvalidCredentials],
      });
      await expect(signIn(user.upn, user.password)).resolves.toMatchObject({ status: 200 });
    });

    it('cannot change to a password the cloud’s rules refuse (422 password_rejected)', async () => {
      const user = await aCloudUser();
      const session = await signedIn(user);

      const res = await changePassword(session.sessionToken, user.password, 'short');

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'password_rejected',
        errors: ['The password must be 8 to 256 characters long.'],
      });
    });

    it('cannot change to a password that is too easy to guess: a common one, or one with the user’s name', async () => {
      const user = await aCloudUser();
      const session = await signedIn(user);
      // The words of the user's own name count as banned (SPEC §3.6): "cloud7.a1b2c3!" scores 4 of the 5 needed.
      const ownName = `${user.upn.split('@')[0]!}!`;

      const common = await changePassword(session.sessionToken, user.password, 'P@ssw0rd-2026');
      const named = await changePassword(session.sessionToken, user.password, ownName);

      for (const res of [common, named]) {
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'password_rejected' });
        expect(String(res.body.message)).toMatch(/too easy to guess/);
      }
      // Nothing changed: the old password still signs in.
      expect((await signIn(user.upn, user.password)).status).toBe(200);
    });

    it('may change a known password on the free licence', async () => {
      const free = await aTenantWith('free');
      const user = await aCloudUser(free);
      const session = await signedIn(user, free);

      const res = await changePassword(session.sessionToken, user.password, aPassword(), free);

      expect(res.status).toBe(200);
    });

    it('is reset by an admin on the premium licence: the new password works and every session ends', async () => {
      const user = await aCloudUser();
      const session = await signedIn(user);
      const replacement = aPassword();

      const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, {
        password: replacement,
        mustChangeAtNextSignIn: true,
      });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        resetId: expect.any(String) as unknown,
        outcome: ResultCode.Applied,
        message: 'The password was changed.',
      });
      await expect(me(session.sessionToken)).resolves.toMatchObject({ status: 401 });
      await expect(signIn(user.upn, user.password)).resolves.toMatchObject({ status: 401 });
      await expect(signIn(user.upn, replacement)).resolves.toMatchObject({
        status: 200,
        body: { scope: 'change_password' },
      });
      const [record] = await cloud.sql<{ command_id: string | null; must_change_at_next_sign_in: boolean }>(
        'SELECT command_id, must_change_at_next_sign_in FROM password_resets WHERE id = $1 AND tenant_id = $2',
        [res.body.resetId, tenant.tenantId],
      );
      expect(record).toEqual({ command_id: null, must_change_at_next_sign_in: true });
    });

    it('is reset by an admin with a generated password, shown once', async () => {
      const user = await aCloudUser();

      const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { generate: true });

      expect(res.status).toBe(200);
      expect(res.body.temporaryPassword).toMatch(/^.{16}$/);
      await expect(signIn(user.upn, res.body.temporaryPassword ?? '')).resolves.toMatchObject({ status: 200 });
    });

    it('cannot be reset by an admin on the free licence (403 not_licensed)', async () => {
      const free = await aTenantWith('free');
      const user = await aCloudUser(free);

      const res = await free.admin.resetPassword(free.tenantId, user.id, { password: aPassword() });

      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'not_licensed' });
      await expect(signIn(user.upn, user.password, free)).resolves.toMatchObject({ status: 200 });
    });

    it('is reset by an admin on the basic licence', async () => {
      const basic = await aTenantWith('basic');
      const user = await aCloudUser(basic);
      const replacement = aPassword();

      const res = await basic.admin.resetPassword(basic.tenantId, user.id, { password: replacement });

      expect(res.status).toBe(200);
      await expect(signIn(user.upn, replacement, basic)).resolves.toMatchObject({ status: 200 });
    });
  });

  describe('sessions', () => {
    it('end at sign-out', async () => {
      const user = await aCloudUser();
      const session = await signedIn(user);

      const out = await asUser(session.sessionToken).call('POST', `/api/v1/tenants/${tenant.tenantId}/auth/sign-out`);

      expect(out.status).toBe(204);
      await expect(me(session.sessionToken)).resolves.toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    });

    it('open nothing in another tenant', async () => {
      const other = await aTenant(cloud, 'Elsewhere');
      const user = await aCloudUser();
      const session = await signedIn(user);

      await expect(me(session.sessionToken, other)).resolves.toMatchObject({ status: 401 });
    });

    it('are not admin tokens, and admin tokens are not sessions', async () => {
      const user = await aCloudUser();
      const session = await signedIn(user);

      const asAdmin = await asUser(session.sessionToken).call('GET', `/api/v1/tenants/${tenant.tenantId}/users`);
      const asSession = await me(tenant.adminToken);

      expect(asAdmin.status).toBe(401);
      expect(asSession.status).toBe(401);
    });

    it('are stored only as a hash of the token, and passwords only as argon2id PHC strings', async () => {
      const user = await aCloudUser();
      const session = await signedIn(user);

      const sessions = await cloud.sql<{ token_hash: string; scope: string }>(
        'SELECT token_hash, scope FROM user_sessions WHERE user_id = $1 AND tenant_id = $2',
        [user.id, tenant.tenantId],
      );
      const [stored] = await cloud.sql<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1 AND tenant_id = $2',
        [user.id, tenant.tenantId],
      );

      expect(sessions).toEqual([
        { token_hash: createHash('sha256').update(session.sessionToken).digest('hex'), scope: 'full' },
      ]);
      expect(stored?.password_hash).toMatch(
        /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
      );
      expect(stored?.password_hash).not.toContain(user.password);
    });
  });

  describe('a synced user (pass-through to the directory)', () => {
    it('signs in when the directory accepts the password the cloud sealed to the agent', async () => {
      const user = await aDirectoryUser();

      const res = await signIn(user.upn, user.password);

      expect(agent.refused).toEqual([]);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ scope: 'full', mustChangePassword: false, user: { id: user.id } });
      const [verify] = commandsFor(user.id, MessageType.CredentialsVerify);
      expect(verify?.password).toBe(user.password);
      expect(verify?.message.payload).toMatchObject({ userId: user.id, target: { dn: user.dn } });
      await expect(me(res.body.sessionToken)).resolves.toMatchObject({ status: 200 });
    });

    it('records the bind’s verdict on the command', async () => {
      const user = await aDirectoryUser({ state: CredentialVerdict.Locked });

      await signIn(user.upn, user.password);

      const command = await waitFor(
        async () => {
          const [row] = await cloud.sql<{ state: string; outcome: string; credential: string | null }>(
            'SELECT state, outcome, credential FROM writeback_commands WHERE user_id = $1 AND tenant_id = $2',
            [user.id, tenant.tenantId],
          );
          return row?.state === 'settled' ? row : undefined;
        },
        { timeoutMs: 5_000, what: 'the verdict to be recorded' },
      );
      expect(command).toEqual({ state: 'settled', outcome: ResultCode.Applied, credential: CredentialVerdict.Locked });
    });

    it('is refused with 401 for a wrong password, the same answer as for an unknown user', async () => {
      const user = await aDirectoryUser();

      const wrong = await signIn(user.upn, 'Wrong-Password-1');
      const unknown = await signIn(`nobody${unique()}@example.test`, 'Wrong-Password-1');

      expect(wrong.status).toBe(401);
      expect(wrong).toEqual(unknown);
      expect(commandsFor(user.id, MessageType.CredentialsVerify)[0]?.password).toBe('Wrong-Password-1');
    });

    it.each([
      [CredentialVerdict.Locked, 423, 'account_locked'],
      [CredentialVerdict.Disabled, 403, 'account_disabled'],
      [CredentialVerdict.Expired, 403, 'password_expired'],
    ])('is refused when the directory says %s (%i %s)', async (state, status, code) => {
      const user = await aDirectoryUser({ state });

      const res = await signIn(user.upn, user.password);

      expect(res.status).toBe(status);
      expect(res.body).toEqual({ statusCode: status, code, message: CREDENTIAL_VERDICT_TEXT[state] });
    });

    it('who must change the password gets a session that can only change it; the agent gets both passwords', async () => {
      const user = await aDirectoryUser({ state: CredentialVerdict.MustChange });
      const replacement = aPassword();

      const session = await signedIn(user);
      const elsewhere = await me(session.sessionToken);
      const change = await changePassword(session.sessionToken, user.password, replacement);

      expect(session).toMatchObject({ scope: 'change_password', mustChangePassword: true });
      expect(elsewhere).toMatchObject({ status: 403, body: { code: 'password_change_required' } });
      expect(change.status).toBe(200);
      expect(change.body).toEqual({
        commandId: expect.any(String) as unknown,
        outcome: ResultCode.Applied,
        message: RESULT_TEXT[ResultCode.Applied],
        signInAgain: true,
      });
      const [sent] = commandsFor(user.id, MessageType.PasswordChange);
      expect(sent).toMatchObject({ currentPassword: user.password, newPassword: replacement });
      expect(sent?.message.payload).toMatchObject({ userId: user.id, target: { dn: user.dn } });
      await expect(me(session.sessionToken)).resolves.toMatchObject({ status: 401 });
      await expect(signIn(user.upn, replacement)).resolves.toMatchObject({ status: 200, body: { scope: 'full' } });
    });

    it('changes the password through the agent, and other sessions end', async () => {
      const user = await aDirectoryUser();
      const replacement = aPassword();
      const current = await signedIn(user);
      const other = await signedIn(user);

      const change = await changePassword(current.sessionToken, user.password, replacement);

      expect(change.status).toBe(200);
      expect(change.body.signInAgain).toBe(false);
      expect(directory.get(user.id)?.password).toBe(replacement);
      await expect(me(other.sessionToken)).resolves.toMatchObject({ status: 401 });
      await expect(me(current.sessionToken)).resolves.toMatchObject({ status: 200 });
    });

    it('hears the directory’s policy refusal with its reason (422 rejected_by_policy)', async () => {
      const user = await aDirectoryUser({ refuseNew: PolicyReason.History });
      const session = await signedIn(user);

      const res = await changePassword(session.sessionToken, user.password, aPassword());

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        statusCode: 422,
        code: ResultCode.RejectedByPolicy,
        outcome: ResultCode.RejectedByPolicy,
        reason: PolicyReason.History,
      });
      expect(res.body.message).toContain(POLICY_REASON_TEXT[PolicyReason.History]);
      await expect(me(session.sessionToken)).resolves.toMatchObject({ status: 200 });
    });

    it('hears the directory refuse a wrong current password (422 invalid_credentials)', async () => {
      const user = await aDirectoryUser();
      const session = await signedIn(user);

      const res = await changePassword(session.sessionToken, 'Not-The-Password-1', aPassword());

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'invalid_credentials', outcome: ResultCode.InvalidCredentials });
      expect(commandsFor(user.id, MessageType.PasswordChange)[0]?.currentPassword).toBe('Not-The-Password-1');
    });

    it('cannot change to a password the cloud’s rules refuse; nothing is sent', async () => {
      const user = await aDirectoryUser();
      const session = await signedIn(user);

      const res = await changePassword(session.sessionToken, user.password, 'short');

      expect(res.status).toBe(422);
      expect(res.body.code).toBe('password_rejected');
      expect(commandsFor(user.id, MessageType.PasswordChange)).toEqual([]);
    });

    it('loses its sessions when an admin resets the password', async () => {
      const user = await aDirectoryUser();
      const session = await signedIn(user);

      const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: aPassword() });

      expect(res.status).toBe(200);
      await expect(me(session.sessionToken)).resolves.toMatchObject({ status: 401 });
    });

    it('gets 503 directory_unreachable at the deadline when no agent answers', async () => {
      const user = await aDirectoryUser({ silentFor: [MessageType.CredentialsVerify] });

      const res = await signIn(user.upn, user.password);

      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'directory_unreachable' });
      expect(res.body.message).toMatch(/could not be reached/);
    });

    it('gets 503 not_configured when the tenant has no agent', async () => {
      const lonely = await aTenant(cloud, 'Lonely');
      const user = await aDirectoryUser({}, lonely);

      const res = await signIn(user.upn, user.password, lonely);

      expect(res.status).toBe(503);
      expect(res.body.code).toBe('not_configured');
    });

    it('needs the premium licence (403 not_licensed)', async () => {
      const basic = await aTenantWith('basic');
      const user = await aDirectoryUser({}, basic);

      const res = await signIn(user.upn, user.password, basic);

      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'not_licensed' });
    });

    it('carries the bind’s verdict to a sign-in waiting on another replica than the one that consumed it', async () => {
      const replica = await cloud.startReplica();
      const users = await Promise.all(
        Array.from({ length: 8 }, () => aDirectoryUser({ state: CredentialVerdict.Locked })),
      );

      const answers = [];
      for (const user of users) answers.push(await signIn(user.upn, user.password));

      // The results queue is shared: the other replica consumed some of these verdicts and sent them by NOTIFY.
      const metrics = await (await fetch(`${replica.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/sspr_writeback_results_total\{type="credentials\.verify\.v1",outcome="applied"\} [1-9]/);
      expect(answers.map((a) => a.body.code)).toEqual(users.map(() => 'account_locked'));
    });

    it('is checked while a reset of the same user is in flight, and does not hold the reset back', async () => {
      const user = await aDirectoryUser({ silentFor: [MessageType.PasswordReset] });
      const reset = tenant.admin.resetPassword(tenant.tenantId, user.id, { password: aPassword() });
      await waitFor(() => (commandsFor(user.id, MessageType.PasswordReset).length > 0 ? true : undefined), {
        timeoutMs: 5_000,
        what: 'the reset to reach the agent',
      });

      const res = await signIn(user.upn, user.password);

      expect(res.status).toBe(200);
      await expect(reset).resolves.toMatchObject({ status: 503 });
    });

    it('does not hold back a reset of the same user while the check is in flight', async () => {
      const user = await aDirectoryUser({ silentFor: [MessageType.CredentialsVerify] });
      const check = signIn(user.upn, user.password);
      await waitFor(() => (commandsFor(user.id, MessageType.CredentialsVerify).length > 0 ? true : undefined), {
        timeoutMs: 5_000,
        what: 'the check to reach the agent',
      });

      const reset = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: aPassword() });

      expect(reset.status).toBe(200);
      await expect(check).resolves.toMatchObject({ status: 503 });
    });
  });

  it('leaves no password or session token in clear in any column', async () => {
    const cloudUser = await aCloudUser();
    const syncedUser = await aDirectoryUser();
    const cloudSession = await signedIn(cloudUser);
    const syncedSession = await signedIn(syncedUser);
    const replacements = [aPassword(), aPassword()];
    await changePassword(cloudSession.sessionToken, cloudUser.password, replacements[0] ?? '');
    await changePassword(syncedSession.sessionToken, syncedUser.password, replacements[1] ?? '');
    const secrets = [
      cloudUser.password,
      syncedUser.password,
      ...replacements,
      cloudSession.sessionToken,
      syncedSession.sessionToken,
    ].flatMap((s) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url')]);

    const columns = await cloud.sql<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')`,
    );
    const hits: string[] = [];
    for (const { table_name, column_name } of columns) {
      for (const secret of secrets) {
        const [row] = await cloud.sql<{ n: string }>(
          `SELECT count(*) AS n FROM "${table_name}" WHERE position($1 in "${column_name}"::text) > 0`,
          [secret],
        );
        if (row?.n !== '0') hits.push(`${table_name}.${column_name}`);
      }
    }
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toContain('users.password_hash');
    expect(hits).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import {
  CredentialVerdict,
  HealthCheckName,
  HealthCheckStatus,
  PolicyReason,
  ResetHistoryPolicy,
  ResultCode,
  Secret,
  type HealthCheck,
} from '@sspr/contracts';
import {
  ActiveDirectoryAdapter,
  DirectoryError,
  type ActiveDirectoryConfig,
  type DirectoryUser,
} from '@sspr/directory';
import { directoryRejection, startSamba, waitFor, type AdSeedUser, type SambaHandle } from '@sspr/test-support';
import { Attribute, Change, Client, InvalidCredentialsError } from 'ldapts';

const NO_CHANGE = { mustChangeAtNextSignIn: false, unlock: false };
const DAY_MS = 86_400_000;
/** msDS-User-Account-Control-Computed UF_LOCKOUT. */
const UF_LOCKOUT = 0x10;

interface BindOutcome {
  bound: boolean;
  /** The AD `data` code of a refused bind: 52e wrong password, 773 must change, 775 locked… */
  data?: string;
}

/** The user's truth: a fresh LDAPS connection and a simple bind, by DN or by UPN. */
async function bindAs(dc: SambaHandle, name: string, password: string): Promise<BindOutcome> {
  const client = new Client({
    url: dc.url,
    timeout: 5000,
    connectTimeout: 5000,
    tlsOptions: { ca: dc.caPem, servername: dc.servername },
  });
  try {
    await client.bind(name, password);
    return { bound: true };
  } catch (err) {
    if (err instanceof InvalidCredentialsError)
      return { bound: false, data: /data ([0-9a-f]+)/.exec(err.message)?.[1] };
    throw err;
  } finally {
    await client.unbind();
  }
}

async function binds(dc: SambaHandle, name: string, password: string): Promise<boolean> {
  return (await bindAs(dc, name, password)).bound;
}

async function readAttribute(dc: SambaHandle, dn: string, attribute: string): Promise<string | undefined> {
  const { searchEntries } = await dc.asAdministrator((c) => c.search(dn, { scope: 'base', attributes: [attribute] }));
  const value = searchEntries[0]?.[attribute];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

/** As Administrator: the arrangement of a test, never what the adapter does. */
async function replaceAttribute(dc: SambaHandle, dn: string, type: string, value: string): Promise<void> {
  await dc.asAdministrator((c) =>
    c.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) })),
  );
}

/** Bad binds up to the seeded lockoutThreshold (5), then until the DC says the account is locked. */
async function lockOut(dc: SambaHandle, user: AdSeedUser): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) await bindAs(dc, user.dn, 'Wrong-Password-1');
  await waitFor(
    async () => {
      const computed = Number(await readAttribute(dc, user.dn, 'msDS-User-Account-Control-Computed'));
      return (computed & UF_LOCKOUT) !== 0 ? true : undefined;
    },
    { timeoutMs: 5000, what: `the lock on ${user.dn}` },
  );
}

function configFor(dc: SambaHandle, overrides: Partial<ActiveDirectoryConfig> = {}): ActiveDirectoryConfig {
  return {
    url: dc.url,
    bindDn: dc.serviceDn,
    bindPassword: new Secret(dc.servicePassword),
    baseDn: dc.baseDn,
    tls: { ca: dc.caPem, servername: dc.servername },
    ...overrides,
  };
}

function check(checks: HealthCheck[], name: HealthCheckName): HealthCheck | undefined {
  return checks.find((c) => c.name === name);
}

/** An adapter for one test, closed afterwards. */
async function withAdapter<T>(config: ActiveDirectoryConfig, work: (adapter: ActiveDirectoryAdapter) => Promise<T>) {
  const adapter = new ActiveDirectoryAdapter(config);
  try {
    return await work(adapter);
  } finally {
    await adapter.close();
  }
}

describe('ActiveDirectoryAdapter against Samba AD', () => {
  let dc: SambaHandle;
  let adapter: ActiveDirectoryAdapter;
  let nextUser = 0;
  /** A user no other test has touched: a seeded one while they last, then a new one. */
  const aUser = async (): Promise<AdSeedUser> => dc.users[nextUser++] ?? dc.addUser(`extra.user${nextUser}`);
  const find = (user: AdSeedUser): Promise<DirectoryUser> =>
    adapter.findUser({ dn: user.dn, immutableId: user.immutableId });

  beforeAll(async () => {
    dc = await startSamba();
    adapter = new ActiveDirectoryAdapter(configFor(dc));
  });

  afterAll(async () => {
    await adapter?.close();
    await dc?.destroy();
  });

  describe('the seeded domain', () => {
    it('lets every seeded user bind with the documented initial password, by DN and by UPN', async () => {
      const people = [...dc.users, dc.protectedUser];

      const byDn = await Promise.all(people.map((u) => binds(dc, u.dn, u.password)));
      const byUpn = await Promise.all(people.map((u) => binds(dc, u.userPrincipalName, u.password)));

      expect(people).toHaveLength(21);
      expect([...byDn, ...byUpn].every(Boolean)).toBe(true);
    });
  });

  describe('findUser', () => {
    it('finds a user by objectGUID even when the DN is stale', async () => {
      const user = await aUser();

      const found = await adapter.findUser({ dn: `CN=Renamed,OU=People,${dc.baseDn}`, immutableId: user.immutableId });

      expect(found).toEqual({
        dn: user.dn,
        immutableId: user.immutableId,
        disabled: false,
        locked: false,
        protected: false,
      });
    });

    it('finds a user by an upper-case objectGUID', async () => {
      const user = await aUser();

      const found = await adapter.findUser({ dn: user.dn, immutableId: user.immutableId.toUpperCase() });

      expect(found.immutableId).toBe(user.immutableId);
    });

    it('finds a user by DN when no anchor is given', async () => {
      const user = await aUser();

      const found = await adapter.findUser({ dn: user.dn });

      expect(found.immutableId).toBe(user.immutableId);
    });

    it('reports UserNotFound when neither the anchor nor the DN matches', async () => {
      const err = await directoryRejection(
        adapter.findUser({ dn: `CN=Nobody,OU=People,${dc.baseDn}`, immutableId: randomUUID() }),
      );

      expect(err.code).toBe(ResultCode.UserNotFound);
    });

    it('never takes the entry at the DN when it is not the anchored user', async () => {
      const user = await aUser();

      const err = await directoryRejection(adapter.findUser({ dn: user.dn, immutableId: randomUUID() }));

      expect(err.code).toBe(ResultCode.UserNotFound);
    });

    it('refuses an anchor that is not a GUID', async () => {
      const user = await aUser();

      const err = await directoryRejection(adapter.findUser({ dn: user.dn, immutableId: '*' }));

      expect(err.code).toBe(ResultCode.UserNotFound);
    });

    it('reports a DN that names a group, not a user, as UserNotFound', async () => {
      const err = await directoryRejection(adapter.findUser({ dn: dc.groups[0]!.dn }));

      expect(err.code).toBe(ResultCode.UserNotFound);
    });

    it('reads disabled (ACCOUNTDISABLE) and protected (adminCount=1)', async () => {
      const disabled = await adapter.findUser({ dn: dc.disabledUser.dn });
      const isProtected = await adapter.findUser({ dn: dc.protectedUser.dn });

      expect(disabled).toMatchObject({ disabled: true, protected: false });
      expect(isProtected).toMatchObject({ disabled: false, protected: true });
    });
  });

  describe('resetPassword', () => {
    it('sets a password the user then binds with, by DN and by UPN, and the old one no longer works', async () => {
      const user = await aUser();

      await adapter.resetPassword(await find(user), new Secret('Reset-Pass-2026'), NO_CHANGE);

      await expect(binds(dc, user.dn, 'Reset-Pass-2026')).resolves.toBe(true);
      await expect(binds(dc, user.userPrincipalName, 'Reset-Pass-2026')).resolves.toBe(true);
      await expect(binds(dc, user.dn, user.password)).resolves.toBe(false);
    });

    it('keeps a non-ASCII password intact (UTF-16LE bytes end to end)', async () => {
      const user = await aUser();

      await adapter.resetPassword(await find(user), new Secret('Ünïcødé-Pässwörd-1'), NO_CHANGE);

      await expect(binds(dc, user.userPrincipalName, 'Ünïcødé-Pässwörd-1')).resolves.toBe(true);
      await expect(binds(dc, user.userPrincipalName, 'Unicode-Passwort-1')).resolves.toBe(false);
    });

    it.each([
      ['too short', 'Ab1-short', PolicyReason.TooShort],
      ['not complex', 'onlylowercaseletters', PolicyReason.Quality],
    ])('rejects a %s password with its reason and changes nothing', async (_, password, reason) => {
      const user = await aUser();

      const err = await directoryRejection(adapter.resetPassword(await find(user), new Secret(password), NO_CHANGE));

      expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason, ldapResultCode: 19 });
      await expect(binds(dc, user.dn, user.password)).resolves.toBe(true);
    });

    it('marks the password must-change in the same write when asked', async () => {
      const user = await aUser();

      await adapter.resetPassword(await find(user), new Secret('Temporary-Pass-2026'), {
        mustChangeAtNextSignIn: true,
        unlock: false,
      });

      await expect(bindAs(dc, user.dn, 'Temporary-Pass-2026')).resolves.toEqual({ bound: false, data: '773' });
      await expect(adapter.verifyCredentials(await find(user), new Secret('Temporary-Pass-2026'))).resolves.toBe(
        CredentialVerdict.MustChange,
      );
    });

    it('leaves a locked account locked unless asked to unlock (an AD reset does not unlock)', async () => {
      const user = await aUser();
      await lockOut(dc, user);

      await adapter.resetPassword(await find(user), new Secret('Still-Locked-2026'), NO_CHANGE);

      await expect(bindAs(dc, user.dn, 'Still-Locked-2026')).resolves.toEqual({ bound: false, data: '775' });
    });

    it('unlocks in the same write when asked', async () => {
      const user = await aUser();
      await lockOut(dc, user);
      const found = await find(user);
      expect(found.locked).toBe(true);

      await adapter.resetPassword(found, new Secret('Unlocked-Pass-2026'), {
        mustChangeAtNextSignIn: false,
        unlock: true,
      });

      await expect(binds(dc, user.dn, 'Unlocked-Pass-2026')).resolves.toBe(true);
    });

    it('refuses a protected account and leaves its password as it was', async () => {
      const err = await directoryRejection(
        adapter.resetPassword(
          await adapter.findUser({ dn: dc.protectedUser.dn }),
          new Secret('Admin-Reset-2026'),
          NO_CHANGE,
        ),
      );

      expect(err.code).toBe(ResultCode.NotPermitted);
      await expect(binds(dc, dc.protectedUser.dn, dc.protectedUser.password)).resolves.toBe(true);
    });

    it('refuses a disabled account', async () => {
      const err = await directoryRejection(
        adapter.resetPassword(
          await adapter.findUser({ dn: dc.disabledUser.dn }),
          new Secret('Revived-Pass-2026'),
          NO_CHANGE,
        ),
      );

      expect(err.code).toBe(ResultCode.AccountDisabled);
    });

    it('has only the rights delegated on OU=People: the DC refuses a reset of Administrator', async () => {
      await withAdapter(configFor(dc, { allowProtectedAccounts: true }), async (permissive) => {
        const administrator = await permissive.findUser({ dn: dc.adminDn });

        const err = await directoryRejection(
          permissive.resetPassword(administrator, new Secret('Taken-Over-2026'), NO_CHANGE),
        );

        expect(err).toMatchObject({ code: ResultCode.NotPermitted, ldapResultCode: 50 });
      });
      await expect(binds(dc, dc.adminDn, dc.adminPassword)).resolves.toBe(true);
    });
  });

  describe('password-history enforcement on reset (LDAP_SERVER_POLICY_HINTS, which Samba 4.17 lacks)', () => {
    it('enforce-if-supported: resets without the history check and says so', async () => {
      const user = await aUser();

      // The current password again: a history violation the DC cannot check on a reset without policy hints.
      await adapter.resetPassword(await find(user), new Secret(user.password), NO_CHANGE);
      const health = await adapter.checkHealth();

      await expect(binds(dc, user.dn, user.password)).resolves.toBe(true);
      expect(health.resetHistory).toBe(ResetHistoryPolicy.NotEnforced);
      expect(check(health.checks, HealthCheckName.ServerCapabilities)?.status).toBe(HealthCheckStatus.Warn);
    });

    it('require: refuses the reset as a configuration error and changes nothing', async () => {
      const user = await aUser();
      await withAdapter(configFor(dc, { policyHints: 'require' }), async (strict) => {
        const err = await directoryRejection(
          strict.resetPassword(await strict.findUser({ dn: user.dn }), new Secret('Strict-Pass-2026'), NO_CHANGE),
        );
        const health = await strict.checkHealth();

        expect(err.code).toBe(ResultCode.ConfigurationError);
        expect(err.detail).toMatch(/does not support password-history enforcement on reset/);
        expect(health.resetHistory).toBe(ResetHistoryPolicy.Refused);
        expect(check(health.checks, HealthCheckName.ServerCapabilities)?.status).toBe(HealthCheckStatus.Fail);
      });
      await expect(binds(dc, user.dn, user.password)).resolves.toBe(true);
      await expect(binds(dc, user.dn, 'Strict-Pass-2026')).resolves.toBe(false);
    });
  });

  describe('protected accounts when the configuration allows them', () => {
    it('resets and verifies a protected account', async () => {
      await withAdapter(configFor(dc, { allowProtectedAccounts: true }), async (permissive) => {
        const found = await permissive.findUser({ dn: dc.protectedUser.dn });

        await expect(permissive.verifyCredentials(found, new Secret(dc.protectedUser.password))).resolves.toBe(
          CredentialVerdict.Valid,
        );
        await permissive.resetPassword(found, new Secret('Allowed-Admin-2026'), NO_CHANGE);
      });
      await expect(binds(dc, dc.protectedUser.dn, 'Allowed-Admin-2026')).resolves.toBe(true);
    });
  });

  describe('changePassword (the user knows the current password)', () => {
    it('changes the password: the new one binds, the old one does not', async () => {
      const user = await aUser();

      await adapter.changePassword(await find(user), new Secret(user.password), new Secret('Changed-Pass-2026'));

      await expect(binds(dc, user.dn, 'Changed-Pass-2026')).resolves.toBe(true);
      await expect(binds(dc, user.dn, user.password)).resolves.toBe(false);
    });

    it('answers InvalidCredentials for a wrong current password and changes nothing', async () => {
      const user = await aUser();

      const err = await directoryRejection(
        adapter.changePassword(await find(user), new Secret('Not-The-Password-1'), new Secret('Changed-Pass-2026')),
      );

      expect(err.code).toBe(ResultCode.InvalidCredentials);
      await expect(binds(dc, user.dn, user.password)).resolves.toBe(true);
    });

    it('rejects a password in the history as History and keeps the current one', async () => {
      const user = await aUser();
      const found = await find(user);
      await adapter.changePassword(found, new Secret(user.password), new Secret('First-Change-2026'));

      const err = await directoryRejection(
        adapter.changePassword(found, new Secret('First-Change-2026'), new Secret(user.password)),
      );

      expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.History });
      await expect(binds(dc, user.dn, 'First-Change-2026')).resolves.toBe(true);
    });

    it('rejects a too short password as TooShort', async () => {
      const user = await aUser();

      const err = await directoryRejection(
        adapter.changePassword(await find(user), new Secret(user.password), new Secret('Ab1-short')),
      );

      expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.TooShort });
      await expect(binds(dc, user.dn, user.password)).resolves.toBe(true);
    });

    it('lets a user who must change the password change it (the bind says 773, the change still applies)', async () => {
      const user = await aUser();
      const found = await find(user);
      await adapter.resetPassword(found, new Secret('Temporary-Pass-2026'), {
        mustChangeAtNextSignIn: true,
        unlock: false,
      });

      await adapter.changePassword(found, new Secret('Temporary-Pass-2026'), new Secret('Own-Choice-Pass-2026'));

      await expect(binds(dc, user.dn, 'Own-Choice-Pass-2026')).resolves.toBe(true);
    });

    it('answers InvalidCredentials for a wrong password of a user who must change it', async () => {
      const user = await aUser();
      const found = await find(user);
      await adapter.setMustChange(found);

      const err = await directoryRejection(
        adapter.changePassword(found, new Secret('Not-The-Password-1'), new Secret('Own-Choice-Pass-2026')),
      );

      expect(err.code).toBe(ResultCode.InvalidCredentials);
    });

    describe('under a minimum password age of one day', () => {
      beforeAll(() => dc.setPolicy({ minPwdAgeSeconds: 86_400 }));
      afterAll(() => dc.setPolicy({ minPwdAgeSeconds: 0 }));

      it('rejects a second change as TooYoung and keeps the first', async () => {
        const user = await aUser();
        const found = await find(user);
        // The seeded password is as old as the template, perhaps older than a day: reset it to now first.
        await adapter.resetPassword(found, new Secret('Fresh-Reset-2026'), NO_CHANGE);

        const err = await directoryRejection(
          adapter.changePassword(found, new Secret('Fresh-Reset-2026'), new Secret('Too-Soon-Pass-2026')),
        );

        expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.TooYoung });
        await expect(binds(dc, user.dn, 'Fresh-Reset-2026')).resolves.toBe(true);
      });
    });
  });

  describe('setMustChange', () => {
    it('makes the next sign-in ask for a new password', async () => {
      const user = await aUser();

      await adapter.setMustChange(await find(user));

      await expect(adapter.verifyCredentials(await find(user), new Secret(user.password))).resolves.toBe(
        CredentialVerdict.MustChange,
      );
      await expect(readAttribute(dc, user.dn, 'pwdLastSet')).resolves.toBe('0');
    });
  });

  describe('unlock', () => {
    it('unlocks a user locked by bad binds', async () => {
      const user = await aUser();
      await lockOut(dc, user);
      await expect(adapter.verifyCredentials(await find(user), new Secret(user.password))).resolves.toBe(
        CredentialVerdict.Locked,
      );

      await adapter.unlock(await find(user));

      await expect(binds(dc, user.dn, user.password)).resolves.toBe(true);
      await expect(find(user)).resolves.toMatchObject({ locked: false });
    });

    it('leaves a user who is not locked as is', async () => {
      const user = await aUser();

      await adapter.unlock(await find(user));

      await expect(readAttribute(dc, user.dn, 'lockoutTime')).resolves.toBeUndefined();
    });
  });

  describe('holdsPassword', () => {
    it('is true for the current password and false for another or an empty one', async () => {
      const user = await aUser();
      const found = await find(user);

      await expect(adapter.holdsPassword(found, new Secret(user.password))).resolves.toBe(true);
      await expect(adapter.holdsPassword(found, new Secret('Not-The-Password-1'))).resolves.toBe(false);
      await expect(adapter.holdsPassword(found, new Secret(''))).resolves.toBe(false);
    });

    it('is true for a password that must be changed (the DC said 773: right password)', async () => {
      const user = await aUser();
      const found = await find(user);
      await adapter.resetPassword(found, new Secret('Must-Change-2026'), {
        mustChangeAtNextSignIn: true,
        unlock: false,
      });

      await expect(adapter.holdsPassword(found, new Secret('Must-Change-2026'))).resolves.toBe(true);
      await expect(adapter.holdsPassword(found, new Secret('Not-The-Password-1'))).resolves.toBe(false);
    });

    it('throws Locked for a locked account rather than answering', async () => {
      const user = await aUser();
      await lockOut(dc, user);

      const err = await directoryRejection(adapter.holdsPassword(await find(user), new Secret(user.password)));

      expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.Locked });
    });
  });

  describe('verifyCredentials', () => {
    it('says valid for the right password and invalid for a wrong one', async () => {
      const user = await aUser();
      const found = await find(user);

      await expect(adapter.verifyCredentials(found, new Secret(user.password))).resolves.toBe(CredentialVerdict.Valid);
      await expect(adapter.verifyCredentials(found, new Secret('Not-The-Password-1'))).resolves.toBe(
        CredentialVerdict.Invalid,
      );
    });

    it('says disabled for a disabled account, without a bind that would count as a failure', async () => {
      const before = await readAttribute(dc, dc.disabledUser.dn, 'badPwdCount');

      await expect(
        adapter.verifyCredentials(await adapter.findUser({ dn: dc.disabledUser.dn }), new Secret('Not-The-Password-1')),
      ).resolves.toBe(CredentialVerdict.Disabled);
      await expect(readAttribute(dc, dc.disabledUser.dn, 'badPwdCount')).resolves.toBe(before);
    });

    it('says expired for an account past accountExpires (data 701)', async () => {
      const user = await aUser();
      await replaceAttribute(
        dc,
        user.dn,
        'accountExpires',
        String((BigInt(Date.now() - DAY_MS) + 11_644_473_600_000n) * 10_000n),
      );

      await expect(adapter.verifyCredentials(await find(user), new Secret(user.password))).resolves.toBe(
        CredentialVerdict.Expired,
      );
    });

    it('refuses a protected account (NotPermitted) without binding', async () => {
      const err = await directoryRejection(
        adapter.verifyCredentials(await adapter.findUser({ dn: dc.protectedUser.dn }), new Secret('Whatever-Pass-1')),
      );

      expect(err.code).toBe(ResultCode.NotPermitted);
    });
  });

  describe('connection security and configuration', () => {
    it('refuses a plain ldap:// URL when it is configured, before anything is sent', () => {
      let err: unknown;
      try {
        new ActiveDirectoryAdapter(configFor(dc, { url: dc.startTlsUrl }));
      } catch (e) {
        err = e;
      }

      expect(err).toBeInstanceOf(DirectoryError);
      expect(err).toMatchObject({ code: ResultCode.ConfigurationError });
      expect((err as DirectoryError).detail).toMatch(/encrypted connection/);
    });

    it('works over StartTLS on ldap://', async () => {
      const user = await aUser();
      await withAdapter(configFor(dc, { url: dc.startTlsUrl, startTls: true }), async (startTls) => {
        const found = await startTls.findUser({ dn: user.dn, immutableId: user.immutableId });

        await startTls.resetPassword(found, new Secret('Start-Tls-Pass-2026'), NO_CHANGE);

        await expect(startTls.verifyCredentials(found, new Secret('Start-Tls-Pass-2026'))).resolves.toBe(
          CredentialVerdict.Valid,
        );
      });
      await expect(binds(dc, user.dn, 'Start-Tls-Pass-2026')).resolves.toBe(true);
    });

    it('refuses a DC whose certificate does not name the configured server (ConfigurationError)', async () => {
      await withAdapter(configFor(dc, { tls: { ca: dc.caPem, servername: 'other.example.test' } }), async (wrong) => {
        const err = await directoryRejection(wrong.ping());

        expect(err.code).toBe(ResultCode.ConfigurationError);
      });
    });

    it('reports a wrong service password as a configuration error', async () => {
      await withAdapter(configFor(dc, { bindPassword: new Secret('Wrong-Service-Pass-1') }), async (wrong) => {
        const err = await directoryRejection(wrong.ping());

        expect(err).toMatchObject({ code: ResultCode.ConfigurationError, ldapResultCode: 49 });
      });
    });

    it('measures a round trip to the rootDSE', async () => {
      const { latencyMs } = await adapter.ping();

      expect(latencyMs).toBeGreaterThan(0);
    });
  });

  describe('checkHealth', () => {
    it('passes the bind account and the certificate on a healthy DC', async () => {
      const health = await adapter.checkHealth();

      expect(health.reachable).toBe(true);
      expect(check(health.checks, HealthCheckName.BindAccount)?.status).toBe(HealthCheckStatus.Pass);
      expect(check(health.checks, HealthCheckName.TlsCertificate)).toMatchObject({
        status: HealthCheckStatus.Pass,
        detail: expect.stringMatching(/valid until \d{4}-\d{2}-\d{2}/) as unknown,
      });
    });

    it('fails the bind account, in plain words, when the service account is disabled', async () => {
      await replaceAttribute(dc, dc.serviceDn, 'userAccountControl', String(0x200 | 0x10000 | 0x2));
      try {
        // A new adapter: a connection bound before the account was disabled stays usable in AD.
        const health = await withAdapter(configFor(dc), (fresh) => fresh.checkHealth());

        expect(check(health.checks, HealthCheckName.BindAccount)).toMatchObject({
          status: HealthCheckStatus.Fail,
          detail: 'The directory could not be used: the service account is disabled.',
        });
        expect(health.error?.code).toBe(ResultCode.ConfigurationError);
      } finally {
        await replaceAttribute(dc, dc.serviceDn, 'userAccountControl', String(0x200 | 0x10000));
      }
    });

    it('fails the certificate, and the bind, when the DC’s CA is not the configured one', async () => {
      // No CA configured: the system store does not know the test CA.
      const health = await withAdapter(configFor(dc, { tls: { servername: dc.servername } }), (untrusted) =>
        untrusted.checkHealth(),
      );

      expect(health.reachable).toBe(false);
      expect(health.error?.code).toBe(ResultCode.ConfigurationError);
      expect(check(health.checks, HealthCheckName.TlsCertificate)).toMatchObject({
        status: HealthCheckStatus.Fail,
        detail: expect.stringMatching(/not trusted/) as unknown,
      });
    });
  });
});

describe('ActiveDirectoryAdapter when the DC goes away', () => {
  let dc: SambaHandle;

  beforeAll(async () => {
    dc = await startSamba();
  });

  afterAll(async () => {
    await dc?.destroy();
  });

  it.each([
    ['ldaps://', 0, false],
    ['StartTLS', 1, true],
  ])(
    'reports the DC unreachable, in plain words, when it is stopped, and works again once it is back (%s)',
    async (_, userIndex, startTls) => {
      const user = dc.users[userIndex]!;
      const transport = startTls ? { url: dc.startTlsUrl, startTls } : {};
      await withAdapter(configFor(dc, { timeoutMs: 1000, ...transport }), async (adapter) => {
        await adapter.ping();
        await dc.stop();

        const health = await adapter.checkHealth().finally(() => dc.start());

        expect(health.reachable).toBe(false);
        expect(health.error?.code).toBe(ResultCode.DirectoryUnreachable);
        expect(check(health.checks, HealthCheckName.BindAccount)?.detail).toMatch(
          /could not be reached|connection failed/,
        );
        await adapter.resetPassword(
          await adapter.findUser({ dn: user.dn }),
          new Secret('After-Restart-2026'),
          NO_CHANGE,
        );
      });
      await expect(binds(dc, user.dn, 'After-Restart-2026')).resolves.toBe(true);
    },
  );
});

describe('ActiveDirectoryAdapter and the DC certificate’s expiry', () => {
  let dc: SambaHandle;

  beforeAll(async () => {
    dc = await startSamba();
  });

  afterAll(async () => {
    await dc?.destroy();
  });

  it.each([
    ['ldaps://', false],
    ['StartTLS', true],
  ])('warns when the certificate expires within 14 days (%s)', async (_, startTls) => {
    await dc.useCertificate({
      notBefore: new Date(Date.now() - 300 * DAY_MS),
      notAfter: new Date(Date.now() + 5.5 * DAY_MS),
    });
    const config = configFor(dc, startTls ? { url: dc.startTlsUrl, startTls } : {});

    const health = await withAdapter(config, (adapter) => adapter.checkHealth());

    expect(health.reachable).toBe(true);
    expect(check(health.checks, HealthCheckName.TlsCertificate)).toMatchObject({
      status: HealthCheckStatus.Warn,
      detail: expect.stringMatching(/expires in 5 days/) as unknown,
    });
  });

  it('fails when the certificate has expired, and says so although the connection is refused', async () => {
    await dc.useCertificate({
      notBefore: new Date(Date.now() - 400 * DAY_MS),
      notAfter: new Date(Date.now() - 2 * DAY_MS),
    });

    const health = await withAdapter(configFor(dc), (adapter) => adapter.checkHealth());

    expect(health.reachable).toBe(false);
    expect(health.error?.code).toBe(ResultCode.ConfigurationError);
    expect(check(health.checks, HealthCheckName.TlsCertificate)).toMatchObject({
      status: HealthCheckStatus.Fail,
      detail: expect.stringMatching(/expired on \d{4}-\d{2}-\d{2}/) as unknown,
    });
  });
});

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PolicyReason, ResultCode, Secret } from '@sspr/contracts';
import { escapeDnValue, OpenLdapAdapter, type DirectoryUser, type OpenLdapConfig } from '@sspr/directory';
import { directoryRejection, startSlapd, waitFor, type SeedUser, type SlapdHandle } from '@sspr/test-support';
import { Attribute, Change, Client, InvalidCredentialsError, PasswordPolicyControl, PasswordPolicyError } from 'ldapts';

const NO_CHANGE = { mustChangeAtNextSignIn: false, unlock: false };

interface BindOutcome {
  bound: boolean;
  /** The ppolicy response control's error, e.g. ChangeAfterReset or AccountLocked. */
  policyError?: number;
}

/** The user's truth: a fresh connection, a simple bind, the ppolicy answer. */
async function bindAs(slapd: SlapdHandle, dn: string, password: string): Promise<BindOutcome> {
  const client = new Client({ url: slapd.url, timeout: 5000, connectTimeout: 5000 });
  const control = new PasswordPolicyControl();
  try {
    await client.bind(dn, password, control);
    return { bound: true, policyError: control.value?.error };
  } catch (err) {
    if (err instanceof InvalidCredentialsError) return { bound: false, policyError: control.value?.error };
    throw err;
  } finally {
    await client.unbind();
  }
}

async function binds(slapd: SlapdHandle, dn: string, password: string): Promise<boolean> {
  return (await bindAs(slapd, dn, password)).bound;
}

async function readAttribute(slapd: SlapdHandle, dn: string, attribute: string): Promise<string | undefined> {
  const { searchEntries } = await slapd.asRoot((c) => c.search(dn, { scope: 'base', attributes: [attribute] }));
  const value = searchEntries[0]?.[attribute];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

async function lockOut(slapd: SlapdHandle, user: SeedUser): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) await bindAs(slapd, user.dn, 'Wrong-Password-1');
  // slapd may record the last failure (and so the lock) just after answering the bind: wait for it.
  await waitFor(() => readAttribute(slapd, user.dn, 'pwdAccountLockedTime'), {
    timeoutMs: 5000,
    what: `the lock on ${user.dn}`,
  });
}

function configFor(slapd: SlapdHandle, overrides: Partial<OpenLdapConfig> = {}): OpenLdapConfig {
  return {
    url: slapd.url,
    bindDn: slapd.serviceDn,
    bindPassword: new Secret(slapd.servicePassword),
    baseDn: slapd.baseDn,
    ...overrides,
  };
}

describe('OpenLdapAdapter against slapd', () => {
  let slapd: SlapdHandle;
  let adapter: OpenLdapAdapter;
  let nextUser = 0;
  /** A seeded user no other test has touched. */
  const aUser = (): SeedUser => {
    const user = slapd.users[nextUser++];
    if (!user) throw new Error('ran out of seeded users; add some to organization.ldif');
    return user;
  };
  const find = (user: SeedUser): Promise<DirectoryUser> =>
    adapter.findUser({ dn: user.dn, immutableId: user.immutableId });

  beforeAll(async () => {
    slapd = await startSlapd();
    adapter = new OpenLdapAdapter(configFor(slapd));
  });

  afterAll(async () => {
    await adapter?.close();
    await slapd?.destroy();
  });

  describe('the seeded organization', () => {
    it('lets every seeded person bind with the documented initial password', async () => {
      const people = [...slapd.users, slapd.adminUser].filter((u) => u !== undefined);

      const outcomes = await Promise.all(people.map((u) => binds(slapd, u.dn, u.password)));

      expect(people.length).toBeGreaterThanOrEqual(49);
      expect(outcomes.every(Boolean)).toBe(true);
    });
  });

  describe('findUser', () => {
    it('finds a user by entryUUID even when the DN is stale', async () => {
      const user = aUser();

      const found = await adapter.findUser({
        dn: `uid=renamed,ou=people,${slapd.baseDn}`,
        immutableId: user.immutableId,
      });

      expect(found).toEqual({
        dn: user.dn,
        immutableId: user.immutableId,
        disabled: false,
        locked: false,
        protected: false,
      });
    });

    it('finds a user by DN when no anchor is given', async () => {
      const user = aUser();

      const found = await adapter.findUser({ dn: user.dn });

      expect(found.immutableId).toBe(user.immutableId);
    });

    it('reports UserNotFound when neither the anchor nor the DN matches', async () => {
      const err = await directoryRejection(
        adapter.findUser({ dn: `uid=nobody,ou=people,${slapd.baseDn}`, immutableId: randomUUID() }),
      );

      expect(err.code).toBe(ResultCode.UserNotFound);
    });

    it('does not fall back to a DN that now names another object than the anchor', async () => {
      const other = aUser();

      const err = await directoryRejection(adapter.findUser({ dn: other.dn, immutableId: randomUUID() }));

      expect(err.code).toBe(ResultCode.UserNotFound);
    });

    it('treats filter syntax in the anchor as data, not as a wildcard', async () => {
      const err = await directoryRejection(
        adapter.findUser({ dn: `uid=nobody,ou=people,${slapd.baseDn}`, immutableId: '*' }),
      );

      expect(err.code).toBe(ResultCode.UserNotFound);
    });

    it('reports a disabled (permanently locked) account as disabled, not locked', async () => {
      const disabled = slapd.disabledUser!;

      const found = await adapter.findUser({ dn: disabled.dn, immutableId: disabled.immutableId });

      expect(found).toMatchObject({ disabled: true, locked: false });
    });
  });

  describe('resetPassword', () => {
    it('sets the new password: the user binds with it and no longer with the old one', async () => {
      const user = aUser();

      await adapter.resetPassword(await find(user), new Secret('Brand-New-Pass-1'), NO_CHANGE);

      await expect(binds(slapd, user.dn, 'Brand-New-Pass-1')).resolves.toBe(true);
      await expect(binds(slapd, user.dn, user.password)).resolves.toBe(false);
    });

    it('rejects a too-short password as TooShort and leaves the old password in place', async () => {
      const user = aUser();

      const err = await directoryRejection(adapter.resetPassword(await find(user), new Secret('Short1!'), NO_CHANGE));

      expect(err).toMatchObject({
        code: ResultCode.RejectedByPolicy,
        reason: PolicyReason.TooShort,
        passwordApplied: false,
      });
      await expect(binds(slapd, user.dn, user.password)).resolves.toBe(true);
    });

    it('rejects a password from the history as History and keeps the current one', async () => {
      const user = aUser();
      const found = await find(user);
      await adapter.resetPassword(found, new Secret('First-Reset-Pass-1'), NO_CHANGE);

      const err = await directoryRejection(adapter.resetPassword(found, new Secret(user.password), NO_CHANGE));

      expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.History });
      await expect(binds(slapd, user.dn, 'First-Reset-Pass-1')).resolves.toBe(true);
    });

    it('rejects a password ppolicy cannot check (it looks pre-hashed) as Quality, not TooShort', async () => {
      const user = aUser();

      const err = await directoryRejection(
        adapter.resetPassword(await find(user), new Secret('{SSHA}looks-hashed-already'), NO_CHANGE),
      );

      expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.Quality });
    });

    it('sets pwdReset when asked, so the user must change the password at the next sign-in', async () => {
      const user = aUser();

      await adapter.resetPassword(await find(user), new Secret('Temporary-Pass-1'), {
        mustChangeAtNextSignIn: true,
        unlock: false,
      });

      await expect(readAttribute(slapd, user.dn, 'pwdReset')).resolves.toBe('TRUE');
      await expect(bindAs(slapd, user.dn, 'Temporary-Pass-1')).resolves.toEqual({
        bound: true,
        policyError: PasswordPolicyError.ChangeAfterReset,
      });
    });

    it('leaves pwdReset unset when must-change is not asked', async () => {
      const user = aUser();

      await adapter.resetPassword(await find(user), new Secret('Permanent-Pass-1'), NO_CHANGE);

      await expect(readAttribute(slapd, user.dn, 'pwdReset')).resolves.toBeUndefined();
    });

    it('unlocks a locked account when asked, and the user can bind with the new password', async () => {
      const user = aUser();
      await lockOut(slapd, user);
      const locked = await find(user);

      await adapter.resetPassword(locked, new Secret('Unlocked-Pass-1'), {
        mustChangeAtNextSignIn: false,
        unlock: true,
      });

      expect(locked.locked).toBe(true);
      await expect(find(user)).resolves.toMatchObject({ locked: false });
      await expect(binds(slapd, user.dn, 'Unlocked-Pass-1')).resolves.toBe(true);
    });

    it('refuses to reset a disabled account and leaves it disabled', async () => {
      const disabled = slapd.disabledUser!;
      const found = await adapter.findUser({ dn: disabled.dn, immutableId: disabled.immutableId });

      const err = await directoryRejection(adapter.resetPassword(found, new Secret('Revived-Pass-1'), NO_CHANGE));

      expect(err.code).toBe(ResultCode.AccountDisabled);
      await expect(readAttribute(slapd, disabled.dn, 'pwdAccountLockedTime')).resolves.toBe('000001010000Z');
    });

    it('refuses to reset a protected account unless the configuration allows it', async () => {
      const admin = slapd.adminUser!;
      const guarded = new OpenLdapAdapter(configFor(slapd, { protectedFilter: '(employeeType=admin)' }));
      try {
        const found = await guarded.findUser({ dn: admin.dn, immutableId: admin.immutableId });

        const err = await directoryRejection(guarded.resetPassword(found, new Secret('Admin-Takeover-1'), NO_CHANGE));

        expect(found.protected).toBe(true);
        expect(err.code).toBe(ResultCode.NotPermitted);
        await expect(binds(slapd, admin.dn, admin.password)).resolves.toBe(true);
      } finally {
        await guarded.close();
      }
    });

    it('resets a protected account when the configuration allows it', async () => {
      const admin = slapd.adminUser!;
      const permissive = new OpenLdapAdapter(
        configFor(slapd, { protectedFilter: '(employeeType=admin)', allowProtectedAccounts: true }),
      );
      try {
        await permissive.resetPassword(
          await permissive.findUser({ dn: admin.dn }),
          new Secret('Admin-Allowed-Pass-1'),
          NO_CHANGE,
        );

        await expect(binds(slapd, admin.dn, 'Admin-Allowed-Pass-1')).resolves.toBe(true);
      } finally {
        await permissive.close();
      }
    });

    it('applies 32 concurrent resets over the one service connection', async () => {
      const users = await Promise.all(Array.from({ length: 32 }, (_, i) => slapd.addPerson(`concurrent.${i}`)));
      const found = await Promise.all(users.map(find));

      await Promise.all(found.map((u, i) => adapter.resetPassword(u, new Secret(`Concurrent-Pass-${i}`), NO_CHANGE)));

      const outcomes = await Promise.all(users.map((u, i) => binds(slapd, u.dn, `Concurrent-Pass-${i}`)));
      expect(outcomes).toEqual(users.map(() => true));
    });

    it('serves 32 concurrent first calls of a fresh adapter over one shared bind', async () => {
      const fresh = new OpenLdapAdapter(configFor(slapd));
      const users = slapd.users.slice(0, 32);
      try {
        const found = await Promise.all(users.map((u) => fresh.findUser({ dn: u.dn, immutableId: u.immutableId })));

        expect(found.map((u) => u.immutableId)).toEqual(users.map((u) => u.immutableId));
      } finally {
        await fresh.close();
      }
    });

    it('escapes a DN full of special characters end to end', async () => {
      const cn = ' Smith, Jane (Ops) #1 + "QA" <x>; \\ *';
      const dn = `cn=${escapeDnValue(cn)},ou=people,${slapd.baseDn}`;
      await slapd.asRoot((c) =>
        c.add(dn, { objectClass: 'inetOrgPerson', cn, sn: 'Smith', userPassword: 'Initial-Special-Pass-1' }),
      );

      const found = await adapter.findUser({ dn });
      await adapter.resetPassword(found, new Secret('Special-New-Pass-1'), NO_CHANGE);

      await expect(adapter.findUser({ dn: 'cn=elsewhere', immutableId: found.immutableId })).resolves.toMatchObject({
        immutableId: found.immutableId,
      });
      await expect(readAttribute(slapd, found.dn, 'cn')).resolves.toBe(cn);
      await expect(binds(slapd, dn, 'Special-New-Pass-1')).resolves.toBe(true);
    });
  });

  describe('setMustChange', () => {
    it('sets pwdReset on its own, for a password that is already in place', async () => {
      const user = aUser();

      await adapter.setMustChange(await find(user));

      await expect(bindAs(slapd, user.dn, user.password)).resolves.toEqual({
        bound: true,
        policyError: PasswordPolicyError.ChangeAfterReset,
      });
    });
  });

  describe('unlock', () => {
    it('clears a lock made by five bad binds, and the user can bind again', async () => {
      const user = aUser();
      await lockOut(slapd, user);
      await expect(bindAs(slapd, user.dn, user.password)).resolves.toEqual({
        bound: false,
        policyError: PasswordPolicyError.AccountLocked,
      });

      await adapter.unlock(await find(user));

      // Failures first: a successful bind would clear them anyway and hide an unlock that kept them.
      await expect(readAttribute(slapd, user.dn, 'pwdFailureTime')).resolves.toBeUndefined();
      await expect(binds(slapd, user.dn, user.password)).resolves.toBe(true);
    });

    it('leaves an account that is not locked as it is', async () => {
      const user = aUser();

      await adapter.unlock(await find(user));

      await expect(binds(slapd, user.dn, user.password)).resolves.toBe(true);
    });

    it('refuses to unlock a disabled account', async () => {
      const disabled = slapd.disabledUser!;

      const err = await directoryRejection(adapter.unlock(await adapter.findUser({ dn: disabled.dn })));

      expect(err.code).toBe(ResultCode.AccountDisabled);
      await expect(readAttribute(slapd, disabled.dn, 'pwdAccountLockedTime')).resolves.toBe('000001010000Z');
    });
  });

  describe('holdsPassword', () => {
    it('is true for the user’s current password', async () => {
      const user = aUser();

      await expect(adapter.holdsPassword(await find(user), new Secret(user.password))).resolves.toBe(true);
    });

    it('is false for any other password', async () => {
      const user = aUser();

      await expect(adapter.holdsPassword(await find(user), new Secret('Not-The-Password-1'))).resolves.toBe(false);
    });

    it('is false for an empty password instead of an anonymous bind', async () => {
      const user = aUser();

      await expect(adapter.holdsPassword(await find(user), new Secret(''))).resolves.toBe(false);
    });

    it('throws Locked for a locked account rather than answering false', async () => {
      const user = aUser();
      await lockOut(slapd, user);

      const err = await directoryRejection(adapter.holdsPassword(await find(user), new Secret(user.password)));

      expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.Locked });
    });
  });

  describe('ping and configuration', () => {
    it('measures a round trip to the rootDSE', async () => {
      const { latencyMs } = await adapter.ping();

      // How long it takes is for npm run bench; here only that a round trip was measured.
      expect(latencyMs).toBeGreaterThan(0);
    });

    it('reports a wrong service password as a configuration error', async () => {
      const misconfigured = new OpenLdapAdapter(configFor(slapd, { bindPassword: new Secret('Wrong-Service-Pass-1') }));
      try {
        const err = await directoryRejection(misconfigured.ping());

        expect(err.code).toBe(ResultCode.ConfigurationError);
      } finally {
        await misconfigured.close();
      }
    });
  });
});

describe('OpenLdapAdapter when slapd goes away', () => {
  let slapd: SlapdHandle;
  let adapter: OpenLdapAdapter;

  beforeAll(async () => {
    slapd = await startSlapd();
    adapter = new OpenLdapAdapter(configFor(slapd, { timeoutMs: 400 }));
  });

  afterAll(async () => {
    await adapter?.close();
    await slapd?.destroy();
  });

  it('answers DirectoryUnreachable when slapd is stopped', async () => {
    const user = slapd.users[0]!;
    await adapter.ping();
    await slapd.stop();
    try {
      const err = await directoryRejection(adapter.findUser({ dn: user.dn, immutableId: user.immutableId }));

      expect(err.code).toBe(ResultCode.DirectoryUnreachable);
    } finally {
      await slapd.start();
    }
  });

  it('works again on the same adapter once slapd is back', async () => {
    const user = slapd.users[1]!;
    await slapd.stop();
    await expect(directoryRejection(adapter.ping())).resolves.toMatchObject({ code: ResultCode.DirectoryUnreachable });

    await slapd.start();

    await adapter.resetPassword(await adapter.findUser({ dn: user.dn }), new Secret('After-Restart-Pass-1'), NO_CHANGE);
    await expect(binds(slapd, user.dn, 'After-Restart-Pass-1')).resolves.toBe(true);
  });

  it('gives up after the timeout, not never, when slapd accepts but does not answer', async () => {
    const pid = slapd.pid!;
    const user = slapd.users[2]!;
    const found = await adapter.findUser({ dn: user.dn });
    process.kill(pid, 'SIGSTOP');
    try {
      // kill() returns before the process has stopped: wait until the kernel says it has.
      await waitFor(
        () => (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('T') ? true : undefined),
        {
          timeoutMs: 5000,
          what: 'slapd to be stopped',
        },
      );

      // The operation timeout ends it (the test's own time limit would catch a hang).
      const err = await directoryRejection(adapter.resetPassword(found, new Secret('Frozen-Pass-1'), NO_CHANGE));

      expect(err.code).toBe(ResultCode.DirectoryUnreachable);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await expect(
      waitFor(() => adapter.ping(), { timeoutMs: 5000, what: 'the adapter to reach slapd again' }),
    ).resolves.toBeDefined();
  });
});

describe('OpenLdapAdapter under a minimum password age', () => {
  let slapd: SlapdHandle;
  let adapter: OpenLdapAdapter;

  beforeAll(async () => {
    slapd = await startSlapd();
    await slapd.asRoot((c) =>
      c.modify(
        `cn=default,ou=policies,${slapd.baseDn}`,
        new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdMinAge', values: ['3600'] }) }),
      ),
    );
    adapter = new OpenLdapAdapter(configFor(slapd));
  });

  afterAll(async () => {
    await adapter?.close();
    await slapd?.destroy();
  });

  it('rejects a second reset within pwdMinAge as TooYoung', async () => {
    const user = slapd.users[0]!;
    const found = await adapter.findUser({ dn: user.dn });
    await adapter.resetPassword(found, new Secret('Young-Pass-1'), NO_CHANGE);

    const err = await directoryRejection(adapter.resetPassword(found, new Secret('Younger-Pass-2'), NO_CHANGE));

    expect(err).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.TooYoung });
  });
});

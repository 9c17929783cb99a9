import { CredentialVerdict, PolicyReason, ResultCode, Secret } from '@sspr/contracts';
import { OpenLdapAdapter, type DirectoryUser } from '@sspr/directory';
import {
  DEFAULT_POLICY_DN,
  canBind,
  directoryRejection,
  startSlapd,
  waitFor,
  type SeedUser,
  type SlapdHandle,
} from '@sspr/test-support';
import { Attribute, Change } from 'ldapts';

async function setMinAge(slapd: SlapdHandle, seconds: number): Promise<void> {
  await slapd.asRoot((c) =>
    c.modify(
      DEFAULT_POLICY_DN,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdMinAge', values: [`${seconds}`] }) }),
    ),
  );
}

describe('OpenLDAP user change and pass-through verify (real slapd)', () => {
  let slapd: SlapdHandle;
  let adapter: OpenLdapAdapter;
  let next = 0;
  const aUser = (): SeedUser => {
    const user = slapd.users[next++];
    if (!user) throw new Error('ran out of seeded users');
    return user;
  };
  const find = (user: SeedUser): Promise<DirectoryUser> =>
    adapter.findUser({ dn: user.dn, immutableId: user.immutableId });

  beforeAll(async () => {
    slapd = await startSlapd();
    adapter = new OpenLdapAdapter({
      url: slapd.url,
      bindDn: slapd.serviceDn,
      bindPassword: new Secret(slapd.servicePassword),
      baseDn: slapd.baseDn,
      protectedFilter: '(employeeType=admin)',
    });
  });

  afterAll(async () => {
    await adapter?.close();
    await slapd?.destroy();
  });

  describe('changePassword (bound as the user)', () => {
    it('changes the password: the new one binds, the old one no longer does', async () => {
      const user = aUser();

      await adapter.changePassword(await find(user), new Secret(user.password), new Secret('Changed-By-User-1'));

      expect(await canBind(slapd.url, user.dn, 'Changed-By-User-1')).toBe(true);
      expect(await canBind(slapd.url, user.dn, user.password)).toBe(false);
    });

    it('answers invalid credentials for a wrong current password and changes nothing', async () => {
      const user = aUser();

      const err = await directoryRejection(
        adapter.changePassword(await find(user), new Secret('Not-The-Password-1'), new Secret('Changed-By-User-2')),
      );

      expect(err.code).toBe(ResultCode.InvalidCredentials);
      expect(await canBind(slapd.url, user.dn, user.password)).toBe(true);
    });

    it('refuses a password from the history with that reason', async () => {
      const user = aUser();
      const found = await find(user);
      await adapter.changePassword(found, new Secret(user.password), new Secret('History-Step-One-1'));

      const err = await directoryRejection(
        adapter.changePassword(found, new Secret('History-Step-One-1'), new Secret(user.password)),
      );

      expect({ code: err.code, reason: err.reason }).toEqual({
        code: ResultCode.RejectedByPolicy,
        reason: PolicyReason.History,
      });
      expect(await canBind(slapd.url, user.dn, 'History-Step-One-1')).toBe(true);
    });

    it('refuses a change too soon after the previous one when the policy has a minimum age', async () => {
      const user = aUser();
      const found = await find(user);
      await adapter.changePassword(found, new Secret(user.password), new Secret('Young-Password-1'));
      await setMinAge(slapd, 3600);
      try {
        const err = await directoryRejection(
          adapter.changePassword(found, new Secret('Young-Password-1'), new Secret('Young-Password-2')),
        );
        expect({ code: err.code, reason: err.reason }).toEqual({
          code: ResultCode.RejectedByPolicy,
          reason: PolicyReason.TooYoung,
        });
        expect(await canBind(slapd.url, user.dn, 'Young-Password-1')).toBe(true);
      } finally {
        await setMinAge(slapd, 0);
      }
    });

    it('refuses a disabled account without binding as it', async () => {
      const disabled = slapd.disabledUser!;
      const err = await directoryRejection(
        adapter.changePassword(await find(disabled), new Secret(disabled.password), new Secret('Never-Applied-1')),
      );
      expect(err.code).toBe(ResultCode.AccountDisabled);
    });
  });

  describe('verifyCredentials', () => {
    it('says valid for the right password and invalid for a wrong one', async () => {
      const user = aUser();
      const found = await find(user);

      expect(await adapter.verifyCredentials(found, new Secret(user.password))).toBe(CredentialVerdict.Valid);
      expect(await adapter.verifyCredentials(found, new Secret('Wrong-Password-9'))).toBe(CredentialVerdict.Invalid);
      expect(await adapter.verifyCredentials(found, new Secret(''))).toBe(CredentialVerdict.Invalid);
    });

    it('says must change after an admin reset with must-change', async () => {
      const user = aUser();
      const found = await find(user);
      await adapter.resetPassword(found, new Secret('Temporary-Pass-77'), {
        mustChangeAtNextSignIn: true,
        unlock: false,
      });

      expect(await adapter.verifyCredentials(found, new Secret('Temporary-Pass-77'))).toBe(
        CredentialVerdict.MustChange,
      );
    });

    it('says locked once bad binds locked the account, and valid again after an unlock', async () => {
      const user = aUser();
      const found = await find(user);
      for (let i = 0; i < 5; i++) await canBind(slapd.url, user.dn, 'Wrong-Password-1');
      await waitFor(async () => (await find(user)).locked || undefined, { timeoutMs: 5000, what: 'the lock' });

      expect(await adapter.verifyCredentials(found, new Secret(user.password))).toBe(CredentialVerdict.Locked);
      await adapter.unlock(await find(user));
      expect(await adapter.verifyCredentials(found, new Secret(user.password))).toBe(CredentialVerdict.Valid);
    });

    it('says disabled for a disabled account, without a bind', async () => {
      const disabled = slapd.disabledUser!;
      expect(await adapter.verifyCredentials(await find(disabled), new Secret(disabled.password))).toBe(
        CredentialVerdict.Disabled,
      );
    });

    it('refuses to bind as a protected account', async () => {
      const admin = slapd.adminUser!;
      const err = await directoryRejection(adapter.verifyCredentials(await find(admin), new Secret(admin.password)));
      expect(err.code).toBe(ResultCode.NotPermitted);
    });
  });

  describe('checkHealth', () => {
    it('passes the bind account and the capabilities check and says history applies to resets', async () => {
      const report = await adapter.checkHealth();
      expect(report).toMatchObject({ reachable: true, resetHistory: 'enforced' });
      expect(report.checks.map((c) => [c.name, c.status])).toEqual([
        ['bind_account', 'pass'],
        ['server_capabilities', 'pass'],
      ]);
    });

    it('fails the bind account check, in plain words, when the service password is wrong', async () => {
      const wrong = new OpenLdapAdapter({
        url: slapd.url,
        bindDn: slapd.serviceDn,
        bindPassword: new Secret('Not-The-Service-Password'),
        baseDn: slapd.baseDn,
      });
      try {
        const report = await wrong.checkHealth();
        expect(report.reachable).toBe(false);
        expect(report.checks.map((c) => [c.name, c.status])).toEqual([['bind_account', 'fail']]);
        expect(report.checks[0]?.detail).toMatch(/refused the service account/);
      } finally {
        await wrong.close();
      }
    });
  });
});

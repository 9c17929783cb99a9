import { Secret, SyncedGroup, SyncedUser } from '@sspr/contracts';
import {
  ActiveDirectorySyncSource,
  DirectoryError,
  FullSyncRequiredError,
  type ActiveDirectorySyncConfig,
  type SyncSnapshot,
} from '@sspr/directory';
import { AD_GROUPS_DN, AD_PEOPLE_DN, startSamba, type AdSeedUser, type SambaHandle } from '@sspr/test-support';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Attribute, Change, type Client } from 'ldapts';

const NOTHING = { users: [], groups: [], deletedAnchors: [] };

function configFor(samba: SambaHandle, overrides: Partial<ActiveDirectorySyncConfig> = {}): ActiveDirectorySyncConfig {
  return {
    url: samba.url,
    bindDn: samba.serviceDn,
    bindPassword: new Secret(samba.servicePassword),
    tls: { ca: samba.caPem, servername: samba.servername },
    baseDn: samba.baseDn,
    ...overrides,
  };
}

function replace(type: string, ...values: (string | Buffer)[]): Change {
  return new Change({
    operation: 'replace',
    modification: new Attribute({ type, values: values as string[] | Buffer[] }),
  });
}

/** The entry AD finds for `<GUID=…>`: the server's own reading of our GUID string, independent of our conversion. */
async function dnOfGuid(samba: SambaHandle, guid: string): Promise<string | undefined> {
  return samba.asAdministrator(async (c: Client) => {
    const { searchEntries } = await c.search(`<GUID=${guid}>`, { scope: 'base', attributes: ['1.1'] });
    return searchEntries[0]?.dn;
  });
}

const upns = (snapshot: SyncSnapshot): string[] => snapshot.users.map((u) => u.userPrincipalName).sort();
const byUpn = (snapshot: SyncSnapshot, upn: string): SyncedUser | undefined =>
  snapshot.users.find((u) => u.userPrincipalName === upn);
const byName = (snapshot: SyncSnapshot, name: string): SyncedGroup | undefined =>
  snapshot.groups.find((g) => g.name === name);

describe('ActiveDirectorySyncSource against a Samba AD DC', () => {
  let samba: SambaHandle;
  let alice: AdSeedUser;

  beforeEach(async () => {
    samba = await startSamba();
    alice = samba.users.find((u) => u.sAMAccountName === 'alice.adams') as AdSeedUser;
  });

  afterEach(async () => {
    await samba?.destroy();
  });

  describe('a full run', () => {
    it('returns every seeded user, the disabled and the protected one included', async () => {
      const snapshot = await new ActiveDirectorySyncSource(configFor(samba)).full();

      const seeded = [...samba.users, samba.disabledUser, samba.protectedUser].map((u) => u.userPrincipalName);
      expect(upns(snapshot)).toEqual(expect.arrayContaining(seeded));
      expect(snapshot.users.filter((u) => u.dn.endsWith(AD_PEOPLE_DN))).toHaveLength(22);
      expect(snapshot.deletedAnchors).toEqual([]);
    });

    it('reads a user’s anchor, names, state and contact attributes', async () => {
      await samba.asAdministrator((c) =>
        c.modify(alice.dn, [replace('mobile', '+41 79 555 01 01'), replace('telephoneNumber', '+41 44 555 01 01')]),
      );

      const snapshot = await new ActiveDirectorySyncSource(configFor(samba)).full();

      const user = byUpn(snapshot, alice.userPrincipalName);
      expect(user).toEqual({
        anchor: alice.immutableId,
        dn: alice.dn,
        userPrincipalName: 'alice.adams@example.test',
        displayName: 'Alice Adams',
        enabled: true,
        mail: 'alice.adams@example.test',
        mobile: '+41 79 555 01 01',
        telephoneNumber: '+41 44 555 01 01',
      });
    });

    it('writes anchors in the form the DC itself reads as the object’s GUID', async () => {
      const snapshot = await new ActiveDirectorySyncSource(configFor(samba)).full();

      const user = byUpn(snapshot, alice.userPrincipalName) as SyncedUser;
      const group = byName(snapshot, 'Product') as SyncedGroup;
      expect(user.anchor).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(await dnOfGuid(samba, user.anchor)).toBe(alice.dn);
      expect(await dnOfGuid(samba, group.anchor)).toBe(group.dn);
    });

    it('reports the disabled user with enabled false', async () => {
      const snapshot = await new ActiveDirectorySyncSource(configFor(samba)).full();

      expect(byUpn(snapshot, samba.disabledUser.userPrincipalName)?.enabled).toBe(false);
      expect(byUpn(snapshot, alice.userPrincipalName)?.enabled).toBe(true);
    });

    it('returns the groups with their direct members, a nested group as a member DN', async () => {
      const snapshot = await new ActiveDirectorySyncSource(configFor(samba)).full();

      for (const seeded of samba.groups) {
        expect(byName(snapshot, seeded.name)).toEqual({
          anchor: seeded.immutableId,
          dn: seeded.dn,
          name: seeded.name,
          memberDns: [...seeded.members].sort(),
        });
      }
      expect(byName(snapshot, 'Product')?.memberDns).toContain(`CN=Engineering,${AD_GROUPS_DN}`);
    });

    it('reads every member of a group larger than one range (ranged retrieval of member)', async () => {
      const extra: string[] = [];
      for (let i = 0; i < 8; i++) extra.push((await samba.addUser(`ranged.${i}`)).dn);
      const engineering = samba.groups.find((g) => g.name === 'Engineering');
      await samba.asAdministrator((c) =>
        c.modify(
          engineering?.dn ?? '',
          new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: extra }) }),
        ),
      );
      const source = new ActiveDirectorySyncSource(configFor(samba, { memberRangeSize: 3 }));

      const snapshot = await source.full();

      expect(byName(snapshot, 'Engineering')?.memberDns).toEqual([...(engineering?.members ?? []), ...extra].sort());
      expect(byName(snapshot, 'IT Administrators')?.memberDns).toEqual([samba.protectedUser.dn]);
    });

    it('makes sAMAccountName@domain the UPN of an account without one', async () => {
      await samba.asAdministrator((c) =>
        c.add(`CN=Legacy Account,${AD_PEOPLE_DN}`, [
          new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
          new Attribute({ type: 'sAMAccountName', values: ['legacy.account'] }),
        ]),
      );

      const snapshot = await new ActiveDirectorySyncSource(configFor(samba)).full();

      expect(byUpn(snapshot, 'legacy.account@example.test')).toMatchObject({
        dn: `CN=Legacy Account,${AD_PEOPLE_DN}`,
        displayName: 'Legacy Account',
      });
    });

    it('produces users and groups that pass the directory.sync.v1 validation', async () => {
      const snapshot = await new ActiveDirectorySyncSource(configFor(samba)).full();

      const errors = [
        ...snapshot.users.flatMap((u) => validateSync(plainToInstance(SyncedUser, u))),
        ...snapshot.groups.flatMap((g) => validateSync(plainToInstance(SyncedGroup, g))),
      ];
      expect(errors).toEqual([]);
    });

    it('works over StartTLS too', async () => {
      const source = new ActiveDirectorySyncSource(configFor(samba, { url: samba.startTlsUrl, startTls: true }));

      const snapshot = await source.full();

      expect(byUpn(snapshot, alice.userPrincipalName)).toBeDefined();
    });
  });

  describe('scope', () => {
    it('leaves out users and groups outside the base DN', async () => {
      const snapshot = await new ActiveDirectorySyncSource(configFor(samba, { baseDn: AD_PEOPLE_DN })).full();

      expect(snapshot.users).toHaveLength(22);
      expect(snapshot.users.every((u) => u.dn.endsWith(`,${AD_PEOPLE_DN}`))).toBe(true);
      expect(snapshot.groups).toEqual([]);
    });

    it('leaves out users the user filter does not match', async () => {
      const enabledOnly =
        '(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))';
      const source = new ActiveDirectorySyncSource(configFor(samba, { baseDn: AD_PEOPLE_DN, userFilter: enabledOnly }));

      const snapshot = await source.full();

      expect(byUpn(snapshot, samba.disabledUser.userPrincipalName)).toBeUndefined();
      expect(snapshot.users).toHaveLength(21);
    });

    it('refuses a plain ldap:// URL without StartTLS when it is configured', () => {
      expect(() => new ActiveDirectorySyncSource(configFor(samba, { url: samba.startTlsUrl, tls: undefined }))).toThrow(
        DirectoryError,
      );
    });
  });

  describe('deltas (deletions by reconciliation)', () => {
    let source: ActiveDirectorySyncSource;
    let watermark: string;

    beforeEach(async () => {
      source = new ActiveDirectorySyncSource(configFor(samba));
      ({ watermark } = await source.full());
    });

    it('returns nothing when nothing changed', async () => {
      const delta = await source.changesSince(watermark);

      expect(delta).toMatchObject(NOTHING);
    });

    it('returns exactly the changed and the added user', async () => {
      await samba.asAdministrator((c) => c.modify(alice.dn, replace('mobile', '+41 79 000 00 00')));
      const added = await samba.addUser('new.hire');

      const delta = await source.changesSince(watermark);

      expect(upns(delta)).toEqual(['alice.adams@example.test', 'new.hire@example.test']);
      expect(byUpn(delta, alice.userPrincipalName)?.mobile).toBe('+41 79 000 00 00');
      expect(byUpn(delta, 'new.hire@example.test')?.anchor).toBe(added.immutableId);
      expect(delta.groups).toEqual([]);
      expect(delta.deletedAnchors).toEqual([]);
    });

    it('returns nothing on the delta after a delta that returned the changes', async () => {
      await samba.asAdministrator((c) => c.modify(alice.dn, replace('mobile', '+41 79 000 00 00')));
      const first = await source.changesSince(watermark);

      const second = await source.changesSince(first.watermark);

      expect(upns(first)).toEqual(['alice.adams@example.test']);
      expect(second).toMatchObject(NOTHING);
    });

    it('returns a group whose membership changed', async () => {
      const admins = samba.groups.find((g) => g.name === 'IT Administrators');
      await samba.asAdministrator((c) =>
        c.modify(
          admins?.dn ?? '',
          new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [alice.dn] }) }),
        ),
      );

      const delta = await source.changesSince(watermark);

      expect(delta.groups.map((g) => g.name)).toEqual(['IT Administrators']);
      expect(byName(delta, 'IT Administrators')?.memberDns).toContain(alice.dn);
    });

    it('reports a deleted user’s anchor', async () => {
      const leaver = samba.users.find((u) => u.sAMAccountName === 'bruno.adams') as AdSeedUser;
      await samba.asAdministrator((c) => c.del(leaver.dn));

      const delta = await source.changesSince(watermark);

      expect(delta.deletedAnchors).toEqual([leaver.immutableId]);
      expect(delta.users).toEqual([]);
    });

    it('reports a user moved out of the base DN as gone', async () => {
      const scoped = new ActiveDirectorySyncSource(configFor(samba, { baseDn: AD_PEOPLE_DN }));
      const { watermark: scopedWatermark } = await scoped.full();
      const mover = samba.users.find((u) => u.sAMAccountName === 'chloe.adams') as AdSeedUser;
      await samba.asAdministrator((c) => c.modifyDN(mover.dn, `CN=Chloe Adams,CN=Users,${samba.baseDn}`));

      const delta = await scoped.changesSince(scopedWatermark);

      expect(delta).toMatchObject({ users: [], groups: [], deletedAnchors: [mover.immutableId] });
    });

    it('returns a user disabled since the last run with enabled false', async () => {
      const david = samba.users.find((u) => u.sAMAccountName === 'david.adams') as AdSeedUser;
      await samba.asAdministrator((c) => c.modify(david.dn, replace('userAccountControl', String(0x200 | 0x2))));

      const delta = await source.changesSince(watermark);

      expect(delta.users).toEqual([
        expect.objectContaining({ userPrincipalName: david.userPrincipalName, enabled: false }),
      ]);
    });

    it('sends nothing for a write that changes no synced attribute (a password reset)', async () => {
      const password = Buffer.from('"Fresh-Password-2026!"', 'utf16le');
      await samba.asAdministrator((c) => c.modify(alice.dn, replace('unicodePwd', password)));

      const delta = await source.changesSince(watermark);

      expect(delta).toMatchObject(NOTHING);
    });

    it('returns the same changes again when asked again from the same watermark (a run the agent could not deliver)', async () => {
      await samba.asAdministrator((c) => c.modify(alice.dn, replace('mobile', '+41 79 000 00 00')));
      const lost = await source.changesSince(watermark);

      const retried = await source.changesSince(watermark);

      expect({ ...retried, watermark: '' }).toEqual({ ...lost, watermark: '' });
      expect(upns(retried)).toEqual(['alice.adams@example.test']);
    });

    it('refuses a watermark it did not return, so that the agent runs a full sync', async () => {
      const restarted = new ActiveDirectorySyncSource(configFor(samba));

      await expect(restarted.changesSince(watermark)).rejects.toThrow(FullSyncRequiredError);
      await expect(source.changesSince('4000')).rejects.toThrow(FullSyncRequiredError);
    });
  });

  describe('deltas with deletions from tombstones', () => {
    it('reports a deleted user from CN=Deleted Objects when the account may read it', async () => {
      // Reading tombstones takes rights only administrators have by default: the Administrator stands in for an
      // account that was granted List Contents and Read Property on CN=Deleted Objects.
      const source = new ActiveDirectorySyncSource(
        configFor(samba, {
          bindDn: samba.adminDn,
          bindPassword: new Secret(samba.adminPassword),
          deletions: 'tombstones',
        }),
      );
      const { watermark } = await source.full();
      const leaver = samba.users.find((u) => u.sAMAccountName === 'emma.adams') as AdSeedUser;
      await samba.asAdministrator((c) => c.del(leaver.dn));

      const delta = await source.changesSince(watermark);
      const after = await source.changesSince(delta.watermark);

      expect(delta).toMatchObject({ users: [], groups: [], deletedAnchors: [leaver.immutableId] });
      expect(after).toMatchObject(NOTHING);
    });

    it('refuses to run with an account that cannot see the tombstones, rather than report no deletions', async () => {
      const source = new ActiveDirectorySyncSource(configFor(samba, { deletions: 'tombstones' }));
      const { watermark } = await source.full();

      await expect(source.changesSince(watermark)).rejects.toMatchObject({ code: 'not_permitted' });
    });
  });

  describe('failures', () => {
    it('answers a wrong service password with a configuration error', async () => {
      const source = new ActiveDirectorySyncSource(configFor(samba, { bindPassword: new Secret('wrong') }));

      await expect(source.full()).rejects.toMatchObject({ code: 'configuration_error', ldapResultCode: 49 });
    });

    it('answers a certificate it cannot trust as a configuration error', async () => {
      const source = new ActiveDirectorySyncSource(configFor(samba, { tls: { servername: samba.servername } }));

      await expect(source.full()).rejects.toMatchObject({ code: 'configuration_error' });
    });
  });
});

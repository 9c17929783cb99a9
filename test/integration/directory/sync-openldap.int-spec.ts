import { Secret, SyncedGroup, SyncedUser } from '@sspr/contracts';
import {
  DirectoryError,
  FullSyncRequiredError,
  OpenLdapAdapter,
  OpenLdapSyncSource,
  type OpenLdapSyncConfig,
  type SyncIssue,
  type SyncSnapshot,
} from '@sspr/directory';
import { PEOPLE_DN, startSlapd, type SlapdHandle } from '@sspr/test-support';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Attribute, Change, Control } from 'ldapts';

const GROUPS_DN = 'ou=groups,dc=example,dc=test';
const RELAX_RULES_OID = '1.3.6.1.4.1.4203.666.5.12';
const NOTHING = { users: [], groups: [], deletedAnchors: [] };

function replace(type: string, ...values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

async function setAttribute(slapd: SlapdHandle, dn: string, type: string, ...values: string[]): Promise<void> {
  await slapd.asRoot((c) => c.modify(dn, replace(type, ...values)));
}

async function entryUuid(slapd: SlapdHandle, dn: string): Promise<string> {
  const { searchEntries } = await slapd.asRoot((c) => c.search(dn, { scope: 'base', attributes: ['entryUUID'] }));
  return String(searchEntries[0]?.entryUUID);
}

function configFor(slapd: SlapdHandle, overrides: Partial<OpenLdapSyncConfig> = {}): OpenLdapSyncConfig {
  return {
    url: slapd.url,
    bindDn: slapd.serviceDn,
    bindPassword: new Secret(slapd.servicePassword),
    baseDn: slapd.baseDn,
    ...overrides,
  };
}

const upns = (snapshot: SyncSnapshot): string[] => snapshot.users.map((u) => u.userPrincipalName).sort();
const byName = (snapshot: SyncSnapshot, name: string): SyncedGroup | undefined =>
  snapshot.groups.find((g) => g.name === name);
const byUpn = (snapshot: SyncSnapshot, upn: string): SyncedUser | undefined =>
  snapshot.users.find((u) => u.userPrincipalName === upn);

describe('OpenLdapSyncSource against slapd', () => {
  let slapd: SlapdHandle;

  beforeEach(async () => {
    slapd = await startSlapd();
  });

  afterEach(async () => {
    await slapd?.destroy();
  });

  describe('a full run', () => {
    it('returns every seeded person, with the ordinary, admin and disabled ones', async () => {
      const snapshot = await new OpenLdapSyncSource(configFor(slapd)).full();

      const seeded = [...slapd.users, slapd.adminUser, slapd.disabledUser].map((u) => `${u?.uid}@example.test`);
      expect(upns(snapshot)).toEqual(seeded.sort());
      expect(snapshot.users).toHaveLength(50);
      expect(snapshot.deletedAnchors).toEqual([]);
    });

    it('reads a user’s anchor, names, state and contact attributes', async () => {
      const alice = slapd.users.find((u) => u.uid === 'alice.adams');

      const snapshot = await new OpenLdapSyncSource(configFor(slapd)).full();

      expect(byUpn(snapshot, 'alice.adams@example.test')).toEqual({
        anchor: alice?.immutableId.toLowerCase(),
        dn: `uid=alice.adams,${PEOPLE_DN}`,
        userPrincipalName: 'alice.adams@example.test',
        displayName: 'Alice Adams',
        enabled: true,
        mail: 'alice.adams@example.test',
        mobile: '+1 555 0201',
        telephoneNumber: '+1 555 0101',
      });
    });

    it('reports the permanently locked user as disabled', async () => {
      const snapshot = await new OpenLdapSyncSource(configFor(slapd)).full();

      expect(byUpn(snapshot, 'former.employee@example.test')?.enabled).toBe(false);
      expect(snapshot.users.filter((u) => !u.enabled)).toHaveLength(1);
    });

    it('returns every group with its direct members, a nested group as a member DN', async () => {
      const snapshot = await new OpenLdapSyncSource(configFor(slapd)).full();

      expect(snapshot.groups.map((g) => g.name).sort()).toEqual(['admins', 'engineering', 'product', 'sales', 'staff']);
      expect(byName(snapshot, 'product')).toEqual({
        anchor: await entryUuid(slapd, `cn=product,${GROUPS_DN}`),
        dn: `cn=product,${GROUPS_DN}`,
        name: 'product',
        memberDns: [`cn=engineering,${GROUPS_DN}`, `uid=bob.baker,${PEOPLE_DN}`, `uid=erin.evans,${PEOPLE_DN}`],
      });
      expect(byName(snapshot, 'staff')?.memberDns).toHaveLength(49);
      expect(byName(snapshot, 'engineering')?.memberDns).toContain(`uid=alice.adams,${PEOPLE_DN}`);
    });

    it('reads the members of a groupOfUniqueNames, without the optional unique id', async () => {
      const dn = `cn=reviewers,${GROUPS_DN}`;
      await slapd.asRoot((c) =>
        c.add(dn, {
          objectClass: 'groupOfUniqueNames',
          cn: 'reviewers',
          uniqueMember: [`uid=alice.adams,${PEOPLE_DN}#'0101'B`, `uid=bob.baker,${PEOPLE_DN}`],
        }),
      );

      const snapshot = await new OpenLdapSyncSource(configFor(slapd)).full();

      expect(byName(snapshot, 'reviewers')?.memberDns).toEqual([
        `uid=alice.adams,${PEOPLE_DN}`,
        `uid=bob.baker,${PEOPLE_DN}`,
      ]);
    });

    it('produces users and groups that pass the directory.sync.v1 validation', async () => {
      const snapshot = await new OpenLdapSyncSource(configFor(slapd)).full();

      const errors = [
        ...snapshot.users.flatMap((u) => validateSync(plainToInstance(SyncedUser, u))),
        ...snapshot.groups.flatMap((g) => validateSync(plainToInstance(SyncedGroup, g))),
      ];
      expect(errors).toEqual([]);
    });

    it('pages through more entries than slapd’s size limit of 500', async () => {
      for (let i = 0; i < 520; i++) await slapd.addPerson(`bulk.${i}`);

      const snapshot = await new OpenLdapSyncSource(configFor(slapd, { pageSize: 100 })).full();

      expect(snapshot.users).toHaveLength(570);
    });
  });

  describe('scope', () => {
    beforeEach(async () => {
      await slapd.asRoot(async (c) => {
        await c.add('ou=contractors,dc=example,dc=test', { objectClass: 'organizationalUnit', ou: 'contractors' });
        await c.add('uid=carl.contractor,ou=contractors,dc=example,dc=test', {
          objectClass: 'inetOrgPerson',
          uid: 'carl.contractor',
          cn: 'Carl Contractor',
          sn: 'Contractor',
        });
      });
    });

    it('leaves out users and groups outside the base DN, and makes UPNs from its dc= parts', async () => {
      const snapshot = await new OpenLdapSyncSource(configFor(slapd, { baseDn: PEOPLE_DN })).full();

      expect(snapshot.users).toHaveLength(50);
      expect(byUpn(snapshot, 'carl.contractor@example.test')).toBeUndefined();
      expect(snapshot.groups).toEqual([]);
    });

    it('leaves out users the user filter does not match', async () => {
      const source = new OpenLdapSyncSource(
        configFor(slapd, { userFilter: '(&(objectClass=inetOrgPerson)(!(employeeType=admin)))' }),
      );

      const snapshot = await source.full();

      expect(byUpn(snapshot, 'it.admin@example.test')).toBeUndefined();
      expect(byUpn(snapshot, 'carl.contractor@example.test')).toBeDefined();
      expect(snapshot.users).toHaveLength(50);
    });

    it('uses a configured UPN suffix', async () => {
      const snapshot = await new OpenLdapSyncSource(configFor(slapd, { upnSuffix: 'corp.example' })).full();

      expect(byUpn(snapshot, 'alice.adams@corp.example')).toBeDefined();
    });

    it('refuses an invalid filter when it is configured, not at the first run', () => {
      expect(() => new OpenLdapSyncSource(configFor(slapd, { userFilter: '(objectClass=inetOrgPerson' }))).toThrow(
        DirectoryError,
      );
    });
  });

  describe('deltas', () => {
    let source: OpenLdapSyncSource;
    let watermark: string;

    beforeEach(async () => {
      source = new OpenLdapSyncSource(configFor(slapd));
      ({ watermark } = await source.full());
    });

    it('returns nothing when nothing changed', async () => {
      const delta = await source.changesSince(watermark);

      expect(delta).toMatchObject(NOTHING);
    });

    it('returns exactly the changed and the added user', async () => {
      await setAttribute(slapd, `uid=bob.baker,${PEOPLE_DN}`, 'mobile', '+1 555 9999');
      const added = await slapd.addPerson('new.hire');

      const delta = await source.changesSince(watermark);

      expect(upns(delta)).toEqual(['bob.baker@example.test', 'new.hire@example.test']);
      expect(byUpn(delta, 'bob.baker@example.test')?.mobile).toBe('+1 555 9999');
      expect(byUpn(delta, 'new.hire@example.test')?.anchor).toBe(added.immutableId);
      expect(delta.groups).toEqual([]);
      expect(delta.deletedAnchors).toEqual([]);
    });

    it('returns nothing on the delta after a delta that returned the changes', async () => {
      await setAttribute(slapd, `uid=bob.baker,${PEOPLE_DN}`, 'mobile', '+1 555 9999');
      const first = await source.changesSince(watermark);

      const second = await source.changesSince(first.watermark);

      expect(upns(first)).toEqual(['bob.baker@example.test']);
      expect(second).toMatchObject(NOTHING);
    });

    it('returns a group whose membership changed', async () => {
      await slapd.asRoot((c) =>
        c.modify(
          `cn=sales,${GROUPS_DN}`,
          new Change({
            operation: 'add',
            modification: new Attribute({ type: 'member', values: [`uid=alice.adams,${PEOPLE_DN}`] }),
          }),
        ),
      );

      const delta = await source.changesSince(watermark);

      expect(delta.users).toEqual([]);
      expect(delta.groups.map((g) => g.name)).toEqual(['sales']);
      expect(byName(delta, 'sales')?.memberDns).toContain(`uid=alice.adams,${PEOPLE_DN}`);
    });

    it('reports a deleted user’s anchor', async () => {
      const leaver = await slapd.addPerson('short.stay');
      ({ watermark } = await source.changesSince(watermark));
      await slapd.asRoot((c) => c.del(leaver.dn));

      const delta = await source.changesSince(watermark);

      expect(delta).toMatchObject({ users: [], groups: [], deletedAnchors: [leaver.immutableId] });
    });

    it('reports a user moved out of the base DN as gone', async () => {
      const scoped = new OpenLdapSyncSource(configFor(slapd, { baseDn: PEOPLE_DN }));
      const { watermark: scopedWatermark } = await scoped.full();
      const carol = slapd.users.find((u) => u.uid === 'carol.clark');
      await slapd.asRoot(async (c) => {
        await c.add('ou=alumni,dc=example,dc=test', { objectClass: 'organizationalUnit', ou: 'alumni' });
        await c.modifyDN(`uid=carol.clark,${PEOPLE_DN}`, 'uid=carol.clark,ou=alumni,dc=example,dc=test');
      });

      const delta = await scoped.changesSince(scopedWatermark);

      expect(delta).toMatchObject({ users: [], groups: [], deletedAnchors: [carol?.immutableId] });
    });

    it('reports a user who no longer matches the filter as gone', async () => {
      const filtered = new OpenLdapSyncSource(
        configFor(slapd, { userFilter: '(&(objectClass=inetOrgPerson)(!(employeeType=contractor)))' }),
      );
      const { watermark: filteredWatermark } = await filtered.full();
      const dave = slapd.users.find((u) => u.uid === 'dave.davis');
      await setAttribute(slapd, `uid=dave.davis,${PEOPLE_DN}`, 'employeeType', 'contractor');

      const delta = await filtered.changesSince(filteredWatermark);

      expect(delta).toMatchObject({ users: [], groups: [], deletedAnchors: [dave?.immutableId] });
    });

    it('returns a user disabled since the last run with enabled false', async () => {
      await setAttribute(slapd, `uid=erin.evans,${PEOPLE_DN}`, 'pwdAccountLockedTime', '000001010000Z');

      const delta = await source.changesSince(watermark);

      expect(delta.users).toEqual([
        expect.objectContaining({ userPrincipalName: 'erin.evans@example.test', enabled: false }),
      ]);
    });

    it('sends nothing for a write that changes no synced attribute (a password reset)', async () => {
      const adapter = new OpenLdapAdapter({
        url: slapd.url,
        bindDn: slapd.serviceDn,
        bindPassword: new Secret(slapd.servicePassword),
        baseDn: slapd.baseDn,
      });
      const frank = slapd.users.find((u) => u.uid === 'frank.fischer');
      try {
        const user = await adapter.findUser({ dn: frank?.dn ?? '', immutableId: frank?.immutableId });
        await adapter.resetPassword(user, new Secret('Fresh-Password-2026!'), {
          mustChangeAtNextSignIn: true,
          unlock: false,
        });
      } finally {
        await adapter.close();
      }

      const delta = await source.changesSince(watermark);

      expect(delta).toMatchObject(NOTHING);
    });

    it('finds a change whose modifyTimestamp is older than the watermark (late replication, clock stepped back)', async () => {
      // The Relax Rules control lets the root DN write modifyTimestamp, as a replica writes the provider's.
      await slapd.asRoot((c) =>
        c.modify(
          `uid=grace.garcia,${PEOPLE_DN}`,
          [replace('mobile', '+1 555 7777'), replace('modifyTimestamp', '20000101000000Z')],
          new Control(RELAX_RULES_OID, { critical: true }),
        ),
      );

      const delta = await source.changesSince(watermark);

      expect(delta.users).toEqual([
        expect.objectContaining({ userPrincipalName: 'grace.garcia@example.test', mobile: '+1 555 7777' }),
      ]);
    });

    it('returns the same changes again when asked again from the same watermark (a run the agent could not deliver)', async () => {
      await setAttribute(slapd, `uid=bob.baker,${PEOPLE_DN}`, 'mobile', '+1 555 9999');
      const leaver = slapd.users.find((u) => u.uid === 'heidi.hughes');
      await slapd.asRoot((c) => c.del(leaver?.dn ?? ''));
      const lost = await source.changesSince(watermark);

      const retried = await source.changesSince(watermark);

      expect({ ...retried, watermark: '' }).toEqual({ ...lost, watermark: '' });
      expect(upns(retried)).toEqual(['bob.baker@example.test']);
      expect(retried.deletedAnchors).toEqual([leaver?.immutableId]);
    });

    it('refuses a watermark it did not return, so that the agent runs a full sync', async () => {
      const restarted = new OpenLdapSyncSource(configFor(slapd));

      await expect(restarted.changesSince(watermark)).rejects.toThrow(FullSyncRequiredError);
      await expect(source.changesSince('20260101000000Z')).rejects.toThrow(FullSyncRequiredError);
    });
  });

  describe('values over the contract’s limits', () => {
    it('drops an oversized contact value and reports it once, not on every delta', async () => {
      const issues: SyncIssue[] = [];
      await setAttribute(slapd, `uid=ivan.ito,${PEOPLE_DN}`, 'mobile', '+1 555 '.padEnd(80, '0'));
      await setAttribute(slapd, `uid=judy.jensen,${PEOPLE_DN}`, 'displayName', 'J'.repeat(300));
      const source = new OpenLdapSyncSource(configFor(slapd, { onIssue: (issue) => issues.push(issue) }));

      const snapshot = await source.full();
      const delta = await source.changesSince(snapshot.watermark);

      const ivan = byUpn(snapshot, 'ivan.ito@example.test');
      expect(ivan?.mobile).toBeUndefined();
      expect(ivan?.telephoneNumber).toBe('+1 555 0109');
      expect(byUpn(snapshot, 'judy.jensen@example.test')?.displayName).toBe('J'.repeat(256));
      expect(issues.map((i) => [i.action, i.attribute, i.dn])).toEqual([
        ['dropped', 'mobile', `uid=ivan.ito,${PEOPLE_DN}`],
        ['truncated', 'displayName', `uid=judy.jensen,${PEOPLE_DN}`],
      ]);
      expect(delta).toMatchObject(NOTHING);
    });
  });

  describe('over TLS', () => {
    let secure: SlapdHandle;

    beforeEach(async () => {
      secure = await startSlapd({ tls: {} });
    });

    afterEach(async () => {
      await secure?.destroy();
    });

    it('reads over LDAPS, checking the certificate against its name', async () => {
      const tls = secure.tls as NonNullable<SlapdHandle['tls']>;
      const source = new OpenLdapSyncSource(
        configFor(secure, { url: tls.url, tls: { ca: tls.caPem, servername: tls.servername } }),
      );

      const snapshot = await source.full();

      expect(snapshot.users).toHaveLength(50);
    });

    it('reads over StartTLS, which checks the certificate too', async () => {
      const tls = secure.tls as NonNullable<SlapdHandle['tls']>;
      const trusted = new OpenLdapSyncSource(
        configFor(secure, { startTls: true, tls: { ca: tls.caPem, servername: tls.servername } }),
      );
      const untrusted = new OpenLdapSyncSource(
        configFor(secure, { startTls: true, tls: { servername: tls.servername } }),
      );

      const snapshot = await trusted.full();

      expect(snapshot.users).toHaveLength(50);
      await expect(untrusted.full()).rejects.toMatchObject({ code: 'configuration_error' });
    });

    it('refuses a certificate it cannot trust', async () => {
      const tls = secure.tls as NonNullable<SlapdHandle['tls']>;
      const source = new OpenLdapSyncSource(configFor(secure, { url: tls.url, tls: { servername: tls.servername } }));

      await expect(source.full()).rejects.toMatchObject({ code: 'configuration_error' });
    });
  });

  describe('failures', () => {
    it('answers a wrong service password with a DirectoryError', async () => {
      const source = new OpenLdapSyncSource(configFor(slapd, { bindPassword: new Secret('wrong') }));

      await expect(source.full()).rejects.toMatchObject({ code: 'configuration_error', ldapResultCode: 49 });
    });

    it('answers a base DN that does not exist with a configuration error', async () => {
      const source = new OpenLdapSyncSource(configFor(slapd, { baseDn: 'ou=nowhere,dc=example,dc=test' }));

      await expect(source.full()).rejects.toMatchObject({ code: 'configuration_error', ldapResultCode: 32 });
    });

    it('answers a stopped slapd as unreachable', async () => {
      const source = new OpenLdapSyncSource(configFor(slapd, { timeoutMs: 1000 }));
      await slapd.stop();

      await expect(source.full()).rejects.toMatchObject({ code: 'directory_unreachable' });
    });
  });
});

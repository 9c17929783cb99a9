import { Attribute, Change } from 'ldapts';
import { objectGuidToString } from '@sspr/directory';
import { canBind } from './ldap-check';
import type { AdSeedUser, SambaHandle } from './samba';
import type { SlapdHandle } from './slapd';
import type { DirectoryEndpoint } from './stack';

/** A person in the directory under test, as an end-to-end test uses them. */
export interface DirectoryPerson {
  dn: string;
  userPrincipalName: string;
  /** Their current password as the seed made it. */
  password: string;
  /** entryUUID or objectGUID, lower-case. */
  immutableId: string;
}

/**
 * What the end-to-end tests need from a directory, the same for OpenLDAP and Active Directory: the test
 * arranges and checks with these (as the directory's administrator), never through the product.
 */
export interface DirectoryUnderTest {
  kind: 'openldap' | 'active_directory';
  endpoint: DirectoryEndpoint;
  /** Ordinary, enabled, unprotected people any test may change. */
  people: DirectoryPerson[];
  /** The users the agent's default sync filter selects, by anchor. */
  syncedAnchors(): Promise<Set<string>>;
  canBind(dn: string, password: string): Promise<boolean>;
  /** Bad binds until the directory locks the account. */
  lockOut(person: DirectoryPerson): Promise<void>;
  setMobile(dn: string, mobile: string): Promise<void>;
  addPerson(name: string): Promise<DirectoryPerson>;
  deletePerson(dn: string): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const WRONG_PASSWORD = 'Certainly-Not-The-Password-1';

export function openLdapUnderTest(slapd: SlapdHandle): DirectoryUnderTest {
  const person = (u: { dn: string; uid: string; password: string; immutableId: string }): DirectoryPerson => ({
    dn: u.dn,
    userPrincipalName: `${u.uid}@example.test`,
    password: u.password,
    immutableId: u.immutableId,
  });
  return {
    kind: 'openldap',
    endpoint: slapd,
    people: slapd.users.map(person),
    syncedAnchors: () =>
      slapd.asRoot(async (c) => {
        const { searchEntries } = await c.search(slapd.baseDn, {
          scope: 'sub',
          filter: '(objectClass=inetOrgPerson)',
          attributes: ['entryUUID'],
        });
        return new Set(searchEntries.map((e) => String(e['entryUUID']).toLowerCase()));
      }),
    canBind: (dn, password) => canBind(slapd.url, dn, password),
    lockOut: async (p) => {
      for (let i = 0; i < 5; i++) await canBind(slapd.url, p.dn, WRONG_PASSWORD);
      // slapd records the failure that locks just after answering the bind.
      for (let i = 0; i < 50; i++) {
        const locked = await slapd.asRoot(async (c) => {
          const { searchEntries } = await c.search(p.dn, { scope: 'base', attributes: ['pwdAccountLockedTime'] });
          return searchEntries[0]?.['pwdAccountLockedTime'] !== undefined;
        });
        if (locked) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${p.dn} was not locked by bad binds`);
    },
    setMobile: (dn, mobile) =>
      slapd.asRoot((c) =>
        c.modify(
          dn,
          new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: [mobile] }) }),
        ),
      ),
    addPerson: async (name) => person(await slapd.addPerson(name)),
    deletePerson: (dn) => slapd.asRoot((c) => c.del(dn)),
    stop: () => slapd.stop(),
    start: () => slapd.start(),
    destroy: () => slapd.destroy(),
  };
}

/** The agent's default AD user filter; the system accounts it also selects are excluded by the sync source. */
const AD_PEOPLE_FILTER = '(&(objectCategory=person)(objectClass=user)(!(isCriticalSystemObject=TRUE)))';

export function sambaUnderTest(samba: SambaHandle): DirectoryUnderTest {
  const tls = { ca: samba.caPem, servername: samba.servername, minVersion: 'TLSv1.2' } as const;
  const person = (u: AdSeedUser): DirectoryPerson => ({
    dn: u.dn,
    userPrincipalName: u.userPrincipalName,
    password: u.password,
    immutableId: u.immutableId,
  });
  return {
    kind: 'active_directory',
    endpoint: {
      url: samba.url,
      baseDn: samba.baseDn,
      serviceDn: samba.serviceDn,
      servicePassword: samba.servicePassword,
      kind: 'active_directory',
      caFile: samba.caFile,
      servername: samba.servername,
    },
    people: samba.users.map(person),
    syncedAnchors: () =>
      samba.asAdministrator(async (c) => {
        const { searchEntries } = await c.search(samba.baseDn, {
          scope: 'sub',
          filter: AD_PEOPLE_FILTER,
          attributes: ['objectGUID'],
          explicitBufferAttributes: ['objectGUID'],
        });
        return new Set(searchEntries.map((e) => objectGuidToString(e['objectGUID'] as Buffer)));
      }),
    canBind: (dn, password) => canBind(samba.url, dn, password, tls),
    lockOut: async (p) => {
      for (let i = 0; i < 5; i++) await canBind(samba.url, p.dn, WRONG_PASSWORD, tls);
    },
    setMobile: (dn, mobile) =>
      samba.asAdministrator((c) =>
        c.modify(
          dn,
          new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: [mobile] }) }),
        ),
      ),
    addPerson: async (name) => person(await samba.addUser(name)),
    deletePerson: (dn) => samba.asAdministrator((c) => c.del(dn)),
    stop: () => samba.stop(),
    start: () => samba.start(),
    destroy: () => samba.destroy(),
  };
}

import { Attribute, Change, Client } from 'ldapts';
import { canBind } from './ldap-check';
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
  const asRoot = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url: slapd.url, timeout: 5000 });
    try {
      await client.bind(slapd.rootDn, slapd.rootPassword);
      return await work(client);
    } finally {
      await client.unbind();
    }
  };
  return {
    kind: 'openldap',
    endpoint: slapd,
    people: slapd.users.map(person),
    syncedAnchors: () =>
      asRoot(async (c) => {
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
        const locked = await asRoot(async (c) => {
          const { searchEntries } = await c.search(p.dn, { scope: 'base', attributes: ['pwdAccountLockedTime'] });
          return searchEntries[0]?.['pwdAccountLockedTime'] !== undefined;
        });
        if (locked) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${p.dn} was not locked by bad binds`);
    },
    setMobile: (dn, mobile) =>
      asRoot((c) =>
        c.modify(
          dn,
          new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: [mobile] }) }),
        ),
      ),
    addPerson: async (name) => person(await slapd.addPerson(name)),
    deletePerson: (dn) => asRoot((c) => c.del(dn)),
    stop: () => slapd.stop(),
    start: () => slapd.start(),
    destroy: () => slapd.destroy(),
  };
}

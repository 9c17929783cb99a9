import { DirectoryError, type SyncScope } from '..';
import { Secret } from '@sspr/contracts';
import { openLdapUpn, OpenLdapSyncSource } from './openldap.sync-source';

describe('openLdapUpn', () => {
  it('is uid@suffix', () => {
    expect(openLdapUpn('uid=alice,ou=people,dc=example,dc=test', ['alice'], 'example.test')).toBe('alice@example.test');
  });

  it('takes the uid of the RDN when the entry has several', () => {
    expect(openLdapUpn('uid=Alice.B,ou=people,dc=x', ['abrown', 'alice.b'], 'x')).toBe('alice.b@x');
  });

  it('takes the first uid in sort order when none is in the RDN, the same on every read', () => {
    expect(openLdapUpn('cn=Alice,ou=people,dc=x', ['zeta', 'alpha'], 'x')).toBe('alpha@x');
  });

  it('has none without a uid', () => {
    expect(openLdapUpn('cn=Alice,ou=people,dc=x', [], 'x')).toBeUndefined();
  });
});

describe('OpenLdapSyncSource configuration', () => {
  const connection = { url: 'ldap://127.0.0.1:1', bindDn: 'cn=x', bindPassword: new Secret('x') };
  const make = (scope: SyncScope): OpenLdapSyncSource => new OpenLdapSyncSource({ ...connection, ...scope });

  it('needs a UPN suffix when the base DN has no dc= parts', () => {
    expect(() => make({ baseDn: 'o=example' })).toThrow(DirectoryError);
    expect(() => make({ baseDn: 'o=example', upnSuffix: 'example.com' })).not.toThrow();
  });

  it.each(['objectClass=group)(', '(&(objectClass=groupOfNames)', '(|(cn=a)(cn=b)))'])(
    'refuses the filter %j, which ldapts alone would accept or close',
    (groupFilter) => {
      expect(() => make({ baseDn: 'dc=x', groupFilter })).toThrow(DirectoryError);
    },
  );
});

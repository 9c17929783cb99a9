import { normalizeDn } from './distinguished-name';

describe('normalizeDn', () => {
  it('lower-cases types and values', () => {
    expect(normalizeDn('CN=Alice Smith,OU=People,DC=Example,DC=Test')).toBe(
      'cn=alice smith,ou=people,dc=example,dc=test',
    );
  });

  it('drops the spaces around separators but keeps those inside a value', () => {
    expect(normalizeDn(' uid = alice , ou = people ,dc=example ')).toBe('uid=alice,ou=people,dc=example');
  });

  it('reads a hex escape and a backslash escape of the same character alike', () => {
    expect(normalizeDn('cn=Smith\\2C John,dc=x')).toBe(normalizeDn('cn=Smith\\, John,dc=x'));
    expect(normalizeDn('cn=Smith\\, John,dc=x')).toBe('cn=smith\\, john,dc=x');
  });

  it('decodes hex escapes as UTF-8', () => {
    expect(normalizeDn('cn=J\\C3\\BCrgen,dc=x')).toBe('cn=jürgen,dc=x');
  });

  it('keeps an escaped trailing space', () => {
    expect(normalizeDn('cn=trailing\\ ,dc=x')).toBe('cn=trailing\\ ,dc=x');
  });

  it('sorts the values of a multi-valued RDN', () => {
    expect(normalizeDn('uid=a+cn=B,dc=x')).toBe(normalizeDn('CN=b + UID=a,dc=x'));
  });

  it('accepts the legacy semicolon separator', () => {
    expect(normalizeDn('cn=a;dc=x')).toBe('cn=a,dc=x');
  });

  it('only trims and lower-cases what is not a DN', () => {
    expect(normalizeDn('  Not A DN ')).toBe('not a dn');
    expect(normalizeDn('cn=a,\\')).toBe('cn=a,\\');
  });
});

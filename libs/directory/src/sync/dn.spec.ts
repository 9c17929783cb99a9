import { dnsDomainOf, isDnWithin, leadingRdnValue, parseDn } from './dn';

describe('parseDn', () => {
  it('splits RDNs and unescapes values', () => {
    expect(parseDn('cn=Smith\\, Jane+uid=js,OU=People , dc=example,dc=test')).toEqual([
      [
        { type: 'cn', value: 'Smith, Jane' },
        { type: 'uid', value: 'js' },
      ],
      [{ type: 'OU', value: 'People' }],
      [{ type: 'dc', value: 'example' }],
      [{ type: 'dc', value: 'test' }],
    ]);
  });

  it('decodes hex-escaped UTF-8', () => {
    expect(parseDn('cn=J\\C3\\BCrgen')).toEqual([[{ type: 'cn', value: 'Jürgen' }]]);
  });

  it.each(['cn', 'cn=a,,dc=b', '=a', 'cn=a\\'])('refuses %j', (dn) => {
    expect(parseDn(dn)).toBeUndefined();
  });
});

describe('isDnWithin', () => {
  it.each([
    ['uid=a,ou=people,dc=example,dc=test', 'dc=example,dc=test', true],
    ['uid=a,ou=people,dc=example,dc=test', 'OU=People,DC=Example,DC=Test', true],
    ['dc=example,dc=test', 'dc=example,dc=test', true],
    ['uid=a,ou=alumni,dc=example,dc=test', 'ou=people,dc=example,dc=test', false],
    ['uid=a,ou=people\\,x,dc=example,dc=test', 'ou=people,dc=example,dc=test', false],
    ['dc=test', 'dc=example,dc=test', false],
  ])('%s within %s: %s', (dn, base, within) => {
    expect(isDnWithin(dn, base)).toBe(within);
  });
});

describe('dnsDomainOf', () => {
  it.each([
    ['dc=example,dc=test', 'example.test'],
    ['ou=people,DC=Corp,DC=Example,DC=com', 'corp.example.com'],
    ['o=example', undefined],
  ])('%s → %s', (dn, domain) => {
    expect(dnsDomainOf(dn)).toBe(domain);
  });
});

describe('leadingRdnValue', () => {
  it('reads the value of the first RDN of the given type', () => {
    expect(leadingRdnValue('UID=a\\+b,ou=people,dc=example', 'uid')).toBe('a+b');
    expect(leadingRdnValue('cn=a,ou=people,dc=example', 'uid')).toBeUndefined();
  });
});

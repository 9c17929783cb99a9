import { Secret } from '@sspr/contracts';
import { BerReader, BerWriter } from 'ldapts';
import { DirectoryError } from '../directory.error';
import { activeDirectoryUpn, ActiveDirectorySyncSource, memberRange } from './active-directory.sync-source';
import { SHOW_DELETED_OID, ShowDeletedControl } from './show-deleted.control';

describe('activeDirectoryUpn', () => {
  it('is the userPrincipalName when there is one', () => {
    expect(activeDirectoryUpn('Alice@Corp.Example', 'alice', 'example.test')).toBe('Alice@Corp.Example');
  });

  it('falls back to sAMAccountName@suffix', () => {
    expect(activeDirectoryUpn(undefined, 'legacy', 'example.test')).toBe('legacy@example.test');
    expect(activeDirectoryUpn('', 'legacy', 'example.test')).toBe('legacy@example.test');
  });

  it('has none without either', () => {
    expect(activeDirectoryUpn(undefined, undefined, 'example.test')).toBeUndefined();
    expect(activeDirectoryUpn(undefined, 'legacy', undefined)).toBeUndefined();
  });
});

describe('memberRange', () => {
  const dn = 'CN=g,DC=example,DC=test';

  it('reads a range that continues', () => {
    expect(memberRange({ dn, 'member;range=0-1499': ['a', 'b'] })).toEqual({ values: ['a', 'b'], next: 1500 });
  });

  it('reads the last range', () => {
    expect(memberRange({ dn, 'member;range=1500-*': 'c' })).toEqual({ values: ['c'], next: undefined });
  });

  it('ignores the empty placeholder ldapts adds for the requested range the DC did not return', () => {
    expect(memberRange({ dn, 'member;range=0-*': 'only', 'member;range=0-1499': [] })).toEqual({
      values: ['only'],
      next: undefined,
    });
  });

  it('reads a plain member attribute (a server that ignores ranges)', () => {
    expect(memberRange({ dn, member: ['a', 'b'] })).toEqual({ values: ['a', 'b'], next: undefined });
  });

  it('has nothing for a group without members', () => {
    expect(memberRange({ dn, 'member;range=0-1499': [] })).toBeUndefined();
  });
});

describe('ShowDeletedControl', () => {
  it('is the critical control 1.2.840.113556.1.4.417 without a value', () => {
    const writer = new BerWriter();
    new ShowDeletedControl().write(writer);
    const reader = new BerReader(writer.buffer);

    reader.readSequence();
    const end = reader.offset + reader.length;
    expect(reader.readString()).toBe(SHOW_DELETED_OID);
    expect(reader.readBoolean()).toBe(true);
    expect(reader.offset).toBe(end);
  });
});

describe('ActiveDirectorySyncSource configuration', () => {
  const config = {
    url: 'ldaps://dc.example.test',
    bindDn: 'CN=x',
    bindPassword: new Secret('x'),
    baseDn: 'DC=example,DC=test',
  };

  it('refuses a plain ldap:// URL without StartTLS', () => {
    expect(() => new ActiveDirectorySyncSource({ ...config, url: 'ldap://dc.example.test' })).toThrow(DirectoryError);
    expect(
      () => new ActiveDirectorySyncSource({ ...config, url: 'ldap://dc.example.test', startTls: true }),
    ).not.toThrow();
  });

  it('refuses a filter that does not parse and a member range that is not a positive integer', () => {
    expect(() => new ActiveDirectorySyncSource({ ...config, userFilter: '(&(objectClass=user)' })).toThrow(
      DirectoryError,
    );
    expect(() => new ActiveDirectorySyncSource({ ...config, memberRangeSize: 0 })).toThrow(DirectoryError);
  });
});

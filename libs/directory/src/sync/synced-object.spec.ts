import { SyncedGroup, SyncedUser } from '@sspr/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { buildSyncedGroup, buildSyncedUser, SYNC_LIMITS, type UserValues } from './synced-object';

const ANCHOR = '830140d6-7bca-1041-9299-25ab64b185fc';
const DN = 'uid=alice,ou=people,dc=example,dc=test';

function aUser(overrides: Partial<UserValues> = {}): UserValues {
  return {
    anchor: ANCHOR,
    dn: DN,
    userPrincipalName: 'alice@example.test',
    displayName: 'Alice',
    enabled: true,
    mail: 'alice@example.test',
    mobile: '+1 555 0201',
    telephoneNumber: '+1 555 0101',
    ...overrides,
  };
}

const userErrors = (user: object): string[] => validateSync(plainToInstance(SyncedUser, user)).map((e) => e.property);
const groupErrors = (group: object): string[] =>
  validateSync(plainToInstance(SyncedGroup, group)).map((e) => e.property);

/** A string of `length` code points, one of them outside the BMP (two UTF-16 units, one character). */
const text = (length: number): string => '😀' + 'x'.repeat(length - 1);

describe('SYNC_LIMITS', () => {
  const user = { anchor: ANCHOR, dn: DN, userPrincipalName: 'a@b', displayName: '', enabled: true };
  it.each([
    ['anchor', SYNC_LIMITS.anchor],
    ['dn', SYNC_LIMITS.dn],
    ['userPrincipalName', SYNC_LIMITS.userPrincipalName],
    ['displayName', SYNC_LIMITS.displayName],
    ['mail', SYNC_LIMITS.mail],
    ['mobile', SYNC_LIMITS.mobile],
    ['telephoneNumber', SYNC_LIMITS.telephoneNumber],
  ] as const)('agrees with SyncedUser.%s (%i characters)', (field, limit) => {
    expect(userErrors({ ...user, [field]: text(limit) })).toEqual([]);
    expect(userErrors({ ...user, [field]: text(limit + 1) })).toEqual([field]);
  });

  it('agrees with SyncedGroup.name and memberDns', () => {
    const group = { anchor: ANCHOR, dn: DN, name: 'g', memberDns: [] as string[] };
    expect(groupErrors({ ...group, name: text(SYNC_LIMITS.groupName) })).toEqual([]);
    expect(groupErrors({ ...group, name: text(SYNC_LIMITS.groupName + 1) })).toEqual(['name']);
    expect(groupErrors({ ...group, memberDns: [text(SYNC_LIMITS.memberDn)] })).toEqual([]);
    expect(groupErrors({ ...group, memberDns: [text(SYNC_LIMITS.memberDn + 1)] })).toEqual(['memberDns']);
    const many = Array.from({ length: SYNC_LIMITS.members + 1 }, (_, i) => `cn=${i}`);
    expect(groupErrors({ ...group, memberDns: many })).toEqual(['memberDns']);
  });
});

describe('buildSyncedUser', () => {
  it('passes values within the limits through unchanged', () => {
    const { object, issues } = buildSyncedUser(aUser());

    expect(object).toEqual({ ...aUser() });
    expect(issues).toEqual([]);
  });

  it('truncates a long display name to the limit, by characters, and says so', () => {
    const { object, issues } = buildSyncedUser(aUser({ displayName: text(300) }));

    expect(object?.displayName).toBe(text(SYNC_LIMITS.displayName));
    expect(userErrors(object as object)).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ action: 'truncated', attribute: 'displayName' })]);
  });

  it.each(['mail', 'mobile', 'telephoneNumber'] as const)('leaves out an oversized %s rather than cut it', (field) => {
    const { object, issues } = buildSyncedUser(aUser({ [field]: text(SYNC_LIMITS[field] + 1) }));

    expect(object).toBeDefined();
    expect(object?.[field]).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ action: 'dropped', attribute: field, dn: DN })]);
  });

  it('leaves out empty contact values', () => {
    const { object } = buildSyncedUser(aUser({ mail: '', mobile: undefined }));

    expect(object).not.toHaveProperty('mail');
    expect(object).not.toHaveProperty('mobile');
  });

  it.each([
    ['no anchor', { anchor: undefined }, 'anchor'],
    ['an oversized DN', { dn: text(SYNC_LIMITS.dn + 1) }, 'dn'],
    ['no UPN', { userPrincipalName: undefined }, 'userPrincipalName'],
    ['an oversized UPN', { userPrincipalName: text(SYNC_LIMITS.userPrincipalName + 1) }, 'userPrincipalName'],
  ])('skips a user with %s', (_, overrides, attribute) => {
    const { object, issues } = buildSyncedUser(aUser(overrides));

    expect(object).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ action: 'skipped', attribute })]);
  });

  it('gives the same values the same digest, and any change of a sent value another', () => {
    const digest = buildSyncedUser(aUser()).digest;

    expect(buildSyncedUser(aUser()).digest).toBe(digest);
    expect(buildSyncedUser(aUser({ mobile: '+1 555 0000' })).digest).not.toBe(digest);
    expect(buildSyncedUser(aUser({ enabled: false })).digest).not.toBe(digest);
  });
});

describe('buildSyncedGroup', () => {
  const aGroup = (memberDns: string[]) => ({ anchor: ANCHOR, dn: 'cn=g,dc=example', name: 'g', memberDns });

  it('sorts and de-duplicates members, so that the order the server sends them in changes nothing', () => {
    const a = buildSyncedGroup(aGroup(['uid=b', 'uid=a', 'uid=b']));
    const b = buildSyncedGroup(aGroup(['uid=a', 'uid=b']));

    expect(a.object?.memberDns).toEqual(['uid=a', 'uid=b']);
    expect(a.digest).toBe(b.digest);
  });

  it('leaves out an oversized member DN and says how many', () => {
    const { object, issues } = buildSyncedGroup(aGroup(['uid=a', text(SYNC_LIMITS.memberDn + 1)]));

    expect(object?.memberDns).toEqual(['uid=a']);
    expect(issues).toEqual([expect.objectContaining({ action: 'dropped', attribute: 'member' })]);
  });

  it('skips a group with more members than a message may carry rather than send part of them', () => {
    const members = Array.from({ length: SYNC_LIMITS.members + 1 }, (_, i) => `uid=u${i}`);

    const { object, issues } = buildSyncedGroup(aGroup(members));

    expect(object).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ action: 'skipped', attribute: 'member' })]);
  });

  it('keeps a group with exactly the maximum of members', () => {
    const members = Array.from({ length: SYNC_LIMITS.members }, (_, i) => `uid=u${i}`);

    const { object } = buildSyncedGroup(aGroup(members));

    expect(groupErrors(object as object)).toEqual([]);
  });
});

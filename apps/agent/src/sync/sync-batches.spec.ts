import { SYNC_GROUP_MEMBERS_MAX, type SyncedGroup, type SyncedUser } from '@sspr/contracts';
import { toBatches } from './sync-batches';

const user = (i: number): SyncedUser => ({
  anchor: `u-${i}`,
  dn: `uid=u${i},ou=people,dc=example,dc=test`,
  userPrincipalName: `u${i}@example.test`,
  displayName: `User ${i}`,
  enabled: true,
});
const group = (i: number, members = 2): SyncedGroup => ({
  anchor: `g-${i}`,
  dn: `cn=g${i},ou=groups,dc=example,dc=test`,
  name: `g${i}`,
  memberDns: Array.from({ length: members }, (_, m) => `uid=u${m},ou=people,dc=example,dc=test`),
});
const snapshot = (users: number, groups: number, deleted: number) => ({
  users: Array.from({ length: users }, (_, i) => user(i)),
  groups: Array.from({ length: groups }, (_, i) => group(i)),
  deletedAnchors: Array.from({ length: deleted }, (_, i) => `d-${i}`),
  watermark: 'w',
});

describe('toBatches', () => {
  it('cuts users, groups and deletions into batches of at most max objects, keeping every object once', () => {
    const { batches } = toBatches(snapshot(7, 3, 2), false, 5);
    expect(batches.map((b) => b.users.length + b.groups.length + b.deletedAnchors.length)).toEqual([5, 5, 2]);
    expect(batches.flatMap((b) => b.users.map((u) => u.anchor))).toEqual(snapshot(7, 0, 0).users.map((u) => u.anchor));
    expect(batches.flatMap((b) => b.groups.map((g) => g.anchor))).toEqual(['g-0', 'g-1', 'g-2']);
    expect(batches.flatMap((b) => b.deletedAnchors)).toEqual(['d-0', 'd-1']);
  });

  it('sends one empty batch for an empty full run, so the cloud can still complete it, and none for an empty delta', () => {
    expect(toBatches(snapshot(0, 0, 0), true).batches).toEqual([{ users: [], groups: [], deletedAnchors: [] }]);
    expect(toBatches(snapshot(0, 0, 0), false).batches).toEqual([]);
  });

  it('leaves out a group too large for one message and says which', () => {
    const big = group(9, SYNC_GROUP_MEMBERS_MAX + 1);
    const { batches, oversizedGroups } = toBatches({ ...snapshot(1, 1, 0), groups: [group(0), big] }, true);
    expect(oversizedGroups).toEqual([big]);
    expect(batches.flatMap((b) => b.groups.map((g) => g.anchor))).toEqual(['g-0']);
  });
});

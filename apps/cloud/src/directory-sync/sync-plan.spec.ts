import type { SyncedGroup, SyncedUser } from '@sspr/contracts';
import { anchorsToDelete, planGroups, planUsers, type ExistingGroup, type ExistingUser } from './sync-plan';

function aSyncedUser(overrides: Partial<SyncedUser> = {}): SyncedUser {
  const anchor = overrides.anchor ?? 'anchor-a';
  return {
    anchor,
    dn: `uid=${anchor},ou=People,dc=example,dc=test`,
    userPrincipalName: `${anchor}@example.test`,
    displayName: `User ${anchor}`,
    enabled: true,
    mail: `${anchor}@mail.example.test`,
    mobile: '+15550100',
    ...overrides,
  };
}

/** The row the cloud keeps for a user exactly as `aSyncedUser(overrides)` describes it. */
function aRowOf(user: SyncedUser, overrides: Partial<ExistingUser> = {}): ExistingUser {
  return {
    id: `id-${user.anchor}`,
    source: 'synced',
    anchor: user.anchor,
    dn: user.dn,
    dnNormalized: user.dn.toLowerCase(),
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    enabled: user.enabled,
    mail: user.mail ?? null,
    mobilePhone: user.mobile ?? null,
    officePhone: user.telephoneNumber ?? null,
    deleted: false,
    ...overrides,
  };
}

describe('planUsers', () => {
  it('inserts a user it has never seen', () => {
    const plan = planUsers([aSyncedUser()], []);

    expect(plan.inserts).toEqual([
      expect.objectContaining({
        anchor: 'anchor-a',
        dnNormalized: 'uid=anchor-a,ou=people,dc=example,dc=test',
        mobilePhone: '+15550100',
        officePhone: null,
      }),
    ]);
    expect(plan).toMatchObject({ updates: [], unchanged: [], conflicts: [] });
  });

  it('leaves a user exactly as the directory describes it unchanged', () => {
    const user = aSyncedUser();

    expect(planUsers([user], [aRowOf(user)])).toEqual({
      inserts: [],
      updates: [],
      unchanged: ['id-anchor-a'],
      conflicts: [],
    });
  });

  it('updates a changed mobile without calling it a writeback target change', () => {
    const user = aSyncedUser();

    const plan = planUsers([{ ...user, mobile: '+15550199' }], [aRowOf(user)]);

    expect(plan.updates).toMatchObject([
      { id: 'id-anchor-a', desired: { mobilePhone: '+15550199' }, targetChanged: false },
    ]);
  });

  it.each([
    ['a moved DN', { dn: 'uid=anchor-a,ou=Former,dc=example,dc=test' }],
    ['a disabled account', { enabled: false }],
  ])('calls %s a writeback target change', (_, change) => {
    const user = aSyncedUser();

    expect(planUsers([{ ...user, ...change }], [aRowOf(user)]).updates[0]?.targetChanged).toBe(true);
  });

  it('undeletes a user that re-appears with its anchor', () => {
    const user = aSyncedUser();

    const plan = planUsers([user], [aRowOf(user, { deleted: true })]);

    expect(plan.updates).toMatchObject([{ id: 'id-anchor-a', targetChanged: true }]);
  });

  it('skips a user whose UPN belongs to a cloud-only user, naming the holder by id only', () => {
    const user = aSyncedUser();
    const cloudUser = aRowOf(user, { id: 'cloud-1', source: 'cloud', anchor: null, dn: null });

    expect(planUsers([user], [cloudUser])).toEqual({
      inserts: [],
      updates: [],
      unchanged: [],
      conflicts: [{ anchor: 'anchor-a', reason: 'upn_of_cloud_user', heldBy: 'cloud-1' }],
    });
  });

  it('skips a user whose UPN another anchor holds, and a known user moving onto it', () => {
    const holder = aSyncedUser({ anchor: 'anchor-h', userPrincipalName: 'taken@example.test' });
    const known = aSyncedUser({ anchor: 'anchor-k' });

    const plan = planUsers(
      [
        aSyncedUser({ anchor: 'anchor-new', userPrincipalName: 'taken@example.test' }),
        { ...known, userPrincipalName: 'taken@example.test' },
      ],
      [aRowOf(holder), aRowOf(known)],
    );

    expect(plan.conflicts).toEqual([
      { anchor: 'anchor-k', reason: 'upn_of_other_user', heldBy: 'id-anchor-h' },
      { anchor: 'anchor-new', reason: 'upn_of_other_user', heldBy: 'id-anchor-h' },
    ]);
    expect(plan.inserts).toEqual([]);
    expect(plan.updates).toEqual([]);
  });

  it('lets a new user take the UPN a known user gives up in the same batch', () => {
    const leaving = aSyncedUser({ anchor: 'anchor-l', userPrincipalName: 'shared@example.test' });

    const plan = planUsers(
      [
        aSyncedUser({ anchor: 'anchor-new', userPrincipalName: 'shared@example.test' }),
        { ...leaving, userPrincipalName: 'moved@example.test' },
      ],
      [aRowOf(leaving)],
    );

    expect(plan.conflicts).toEqual([]);
    expect(plan.updates.map((u) => u.id)).toEqual(['id-anchor-l']);
    expect(plan.inserts.map((u) => u.anchor)).toEqual(['anchor-new']);
  });

  it('adopts a synced user an admin created without an anchor', () => {
    const user = aSyncedUser();
    const adminCreated = aRowOf(user, { id: 'admin-made', anchor: null });

    const plan = planUsers([user], [adminCreated]);

    expect(plan.updates).toMatchObject([{ id: 'admin-made', desired: { anchor: 'anchor-a' }, targetChanged: true }]);
    expect(plan.inserts).toEqual([]);
  });

  it('does not count a UPN held only by a deleted user as taken', () => {
    const deleted = aRowOf(aSyncedUser({ anchor: 'anchor-old' }), {
      userPrincipalName: 'anchor-a@example.test',
      deleted: true,
    });

    expect(planUsers([aSyncedUser()], [deleted]).inserts.map((u) => u.anchor)).toEqual(['anchor-a']);
  });

  it('takes the first of two entries with the same anchor or UPN', () => {
    const plan = planUsers(
      [
        aSyncedUser(),
        aSyncedUser({ displayName: 'again' }),
        aSyncedUser({ anchor: 'anchor-b', userPrincipalName: 'anchor-a@example.test' }),
      ],
      [],
    );

    expect(plan.inserts.map((u) => u.displayName)).toEqual(['User anchor-a']);
    expect(plan.conflicts).toEqual([
      { anchor: 'anchor-a', reason: 'duplicate_in_batch' },
      { anchor: 'anchor-b', reason: 'duplicate_in_batch' },
    ]);
  });
});

function aSyncedGroup(overrides: Partial<SyncedGroup> = {}): SyncedGroup {
  return { anchor: 'group-a', dn: 'cn=Staff,ou=Groups,dc=example,dc=test', name: 'Staff', memberDns: [], ...overrides };
}

function aGroupRowOf(group: SyncedGroup, overrides: Partial<ExistingGroup> = {}): ExistingGroup {
  return {
    id: `id-${group.anchor}`,
    anchor: group.anchor,
    dn: group.dn,
    dnNormalized: group.dn.toLowerCase(),
    displayName: group.name,
    deleted: false,
    ...overrides,
  };
}

describe('planGroups', () => {
  it('normalizes member DNs and keeps each once', () => {
    const plan = planGroups(
      [aSyncedGroup({ memberDns: ['uid=A,dc=example', 'UID=a, dc=example', 'cn=Nested,dc=example'] })],
      [],
    );

    expect(plan.inserts[0]?.memberDns).toEqual(['uid=a,dc=example', 'cn=nested,dc=example']);
  });

  it('tells a renamed or deleted group from one whose own fields are as they were', () => {
    const same = aSyncedGroup({ anchor: 'same' });
    const renamed = aSyncedGroup({ anchor: 'renamed' });
    const deleted = aSyncedGroup({ anchor: 'deleted' });

    const plan = planGroups(
      [same, { ...renamed, name: 'Everyone' }, deleted, aSyncedGroup({ anchor: 'same' })],
      [aGroupRowOf(same), aGroupRowOf(renamed), aGroupRowOf(deleted, { deleted: true })],
    );

    expect(plan.same.map((g) => g.id)).toEqual(['id-same']);
    expect(plan.updates.map((g) => g.id)).toEqual(['id-renamed', 'id-deleted']);
    expect(plan.duplicates).toEqual(['same']);
  });
});

describe('anchorsToDelete', () => {
  it('keeps what the same batch still sends as present, and each anchor once', () => {
    expect(
      anchorsToDelete(['u1', 'u2', 'g1', 'u1'], [aSyncedUser({ anchor: 'u2' })], [aSyncedGroup({ anchor: 'g1' })]),
    ).toEqual(['u1']);
  });
});

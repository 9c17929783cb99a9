import { startDirectoryEnvironment, waitFor, type DirectoryEnvironment } from '@sspr/test-support';

const SYNC_INTERVAL_MS = 1500;

interface UserView {
  id: string;
  userPrincipalName: string;
  onPremImmutableId: string | null;
  mobilePhone: string | null;
  deleted: boolean;
  updatedAt: string;
}
interface GroupView {
  id: string;
  displayName: string;
}
interface SyncRun {
  syncId: string;
  mode: 'full' | 'delta';
  completedAt: string | null;
  counters: { created: number; updated: number; unchanged: number; deleted: number; conflicts: number };
}

/** The seeded nested groups: `outer` has `inner` as a member. */
const NESTING = {
  openldap: { outer: 'product', inner: 'engineering' },
  active_directory: { outer: 'Product', inner: 'Engineering' },
} as const;

/** Identity sync end to end (directory → agent → broker → cloud), SPEC §5.2, issue 3 done-when 5. */
describe.each(['openldap', 'active_directory'] as const)('identity sync from %s', (kind) => {
  let env: DirectoryEnvironment;
  const get = async <T>(path: string): Promise<T> => {
    const res = await env.admin.call<T>('GET', `/api/v1/tenants/${env.tenantId}${path}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    return res.body;
  };
  const userList = async (): Promise<UserView[]> => (await get<{ users: UserView[] }>('/users')).users;
  const runs = async () => (await get<{ syncs: SyncRun[] }>('/directory-syncs?limit=100')).syncs;
  const withinIntervals = { timeoutMs: 3 * SYNC_INTERVAL_MS + 5000 };

  beforeAll(async () => {
    // No user imported by the admin API: everything the tenant knows comes from sync.
    env = await startDirectoryEnvironment({
      kind,
      users: 0,
      heartbeatIntervalMs: 1000,
      agentEnv: { SYNC_INTERVAL_MS: String(SYNC_INTERVAL_MS) },
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('gives a fresh tenant every user in scope and the groups, with nested membership', async () => {
    const expected = await env.directory.syncedAnchors();
    const synced = await waitFor(
      async () => {
        const list = await userList();
        return list.filter((u) => !u.deleted).length >= expected.size ? list : undefined;
      },
      { timeoutMs: 30_000, what: 'the first full sync' },
    );
    expect(new Set(synced.map((u) => u.onPremImmutableId))).toEqual(expected);
    const someone = env.directory.people[0]!;
    expect(synced.find((u) => u.onPremImmutableId === someone.immutableId)?.userPrincipalName).toBe(
      someone.userPrincipalName,
    );

    const { groups } = await get<{ groups: GroupView[] }>('/groups');
    const { outer, inner } = NESTING[kind];
    const outerGroup = groups.find((g) => g.displayName === outer)!;
    const innerGroup = groups.find((g) => g.displayName === inner)!;
    expect(outerGroup).toBeDefined();
    expect(innerGroup).toBeDefined();
    const direct = await get<{ users: UserView[]; groups: GroupView[] }>(
      `/groups/${outerGroup.id}/members?transitive=false`,
    );
    const transitive = await get<{ users: UserView[] }>(`/groups/${outerGroup.id}/members?transitive=true`);
    const ofInner = await get<{ users: UserView[] }>(`/groups/${innerGroup.id}/members?transitive=true`);
    expect(direct.groups.map((g) => g.id)).toContain(innerGroup.id);
    expect(ofInner.users.length).toBeGreaterThan(0);
    expect(transitive.users.map((u) => u.id)).toEqual(expect.arrayContaining(ofInner.users.map((u) => u.id)));
  });

  it('shows a changed mobile number and a new user within one interval', async () => {
    const person = env.directory.people[1]!;
    await env.directory.setMobile(person.dn, '+1 555 0100 77');
    const added = await env.directory.addPerson('new.hire');
    const changedAt = Date.now();

    await waitFor(
      async () => {
        const now = await userList();
        const changed = now.find((u) => u.onPremImmutableId === person.immutableId);
        const hired = now.find((u) => u.onPremImmutableId === added.immutableId);
        return changed?.mobilePhone === '+1 555 0100 77' && hired && !hired.deleted ? true : undefined;
      },
      { ...withinIntervals, what: 'the delta with the mobile number and the new user' },
    );
    // For the issue note, not asserted: how long the change took to reach the cloud.
    process.stdout.write(`identity-sync (${kind}): change visible after ${Date.now() - changedAt} ms\n`);
  });

  it('marks a user deleted in the directory as deleted', async () => {
    const victim = env.directory.people.at(-1)!;
    await env.directory.deletePerson(victim.dn);

    const gone = await waitFor(
      async () => (await userList()).find((u) => u.onPremImmutableId === victim.immutableId && u.deleted),
      { ...withinIntervals, what: 'the deletion to reach the cloud' },
    );
    expect(gone.deleted).toBe(true);
  });

  it('changes nothing when the same directory is synced again in full', async () => {
    const before = await userList();
    const runsBefore = new Set((await runs()).map((r) => r.syncId));
    // A restarted agent starts with a full run.
    await env.agent.stop();
    env.agent.start();
    const full = await waitFor(
      async () => (await runs()).find((r) => !runsBefore.has(r.syncId) && r.mode === 'full' && r.completedAt),
      { timeoutMs: 30_000, what: 'a new full run to complete' },
    );

    expect(full.counters).toMatchObject({ created: 0, updated: 0, deleted: 0, conflicts: 0 });
    const after = await userList();
    expect(after.map((u) => [u.id, u.updatedAt, u.deleted]).sort()).toEqual(
      before.map((u) => [u.id, u.updatedAt, u.deleted]).sort(),
    );
  });
});

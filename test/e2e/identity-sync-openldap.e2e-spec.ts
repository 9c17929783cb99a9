import { Attribute, Change, Client } from 'ldapts';
import { startEnvironment, waitFor, type Environment } from '@sspr/test-support';

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
  onPremImmutableId: string | null;
}
interface SyncRun {
  syncId: string;
  mode: 'full' | 'delta';
  completedAt: string | null;
  counters: { created: number; updated: number; unchanged: number; deleted: number; conflicts: number };
}

describe('identity sync from OpenLDAP, end to end (slapd → agent → broker → cloud)', () => {
  let env: Environment;
  let root: Client;
  const get = async <T>(path: string): Promise<T> => {
    const res = await env.admin.call<T>('GET', `/api/v1/tenants/${env.tenantId}${path}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    return res.body;
  };
  const userList = async (): Promise<UserView[]> => (await get<{ users: UserView[] }>('/users')).users;
  const runs = async () => (await get<{ syncs: SyncRun[] }>('/directory-syncs?limit=100')).syncs;
  /** Every inetOrgPerson under the base DN, as the directory holds it: entryUUID → DN. */
  const directoryPeople = async (): Promise<Map<string, string>> => {
    const { searchEntries } = await root.search(env.slapd.baseDn, {
      scope: 'sub',
      filter: '(objectClass=inetOrgPerson)',
      attributes: ['entryUUID'],
    });
    return new Map(searchEntries.map((e) => [String(e['entryUUID']).toLowerCase(), e.dn]));
  };

  beforeAll(async () => {
    env = await startEnvironment({
      users: 0,
      heartbeatIntervalMs: 1000,
      agentEnv: { SYNC_INTERVAL_MS: String(SYNC_INTERVAL_MS) },
    });
    root = new Client({ url: env.slapd.url, timeout: 5000 });
    await root.bind(env.slapd.rootDn, env.slapd.rootPassword);
  });
  afterAll(async () => {
    await root?.unbind();
    await env?.teardown();
  });

  it('gives a fresh tenant every seeded user and group, with nested membership', async () => {
    const expected = await directoryPeople();
    const synced = await waitFor(
      async () => {
        const list = await userList();
        return list.filter((u) => !u.deleted).length >= expected.size ? list : undefined;
      },
      { timeoutMs: 20_000, what: 'the first full sync' },
    );
    expect(new Set(synced.map((u) => u.onPremImmutableId))).toEqual(new Set(expected.keys()));
    expect(synced.find((u) => u.userPrincipalName === 'alice.adams@example.test')).toBeDefined();

    const { groups } = await get<{ groups: GroupView[] }>('/groups');
    const names = groups.map((g) => g.displayName);
    expect(names).toEqual(expect.arrayContaining(['staff', 'engineering', 'product']));
    const product = groups.find((g) => g.displayName === 'product')!;
    const engineering = groups.find((g) => g.displayName === 'engineering')!;
    const direct = await get<{ users: UserView[]; groups: GroupView[] }>(
      `/groups/${product.id}/members?transitive=false`,
    );
    const transitive = await get<{ users: UserView[]; groups: GroupView[] }>(
      `/groups/${product.id}/members?transitive=true`,
    );
    const ofEngineering = await get<{ users: UserView[] }>(`/groups/${engineering.id}/members?transitive=true`);
    expect(direct.groups.map((g) => g.id)).toContain(engineering.id);
    expect(ofEngineering.users.length).toBeGreaterThan(0);
    expect(transitive.users.map((u) => u.id)).toEqual(expect.arrayContaining(ofEngineering.users.map((u) => u.id)));
  });

  it('shows a changed mobile number and a new user within one interval', async () => {
    const list = await userList();
    const alice = list.find((u) => u.userPrincipalName === 'alice.adams@example.test')!;
    const aliceDn = (await directoryPeople()).get(alice.onPremImmutableId!)!;
    await root.modify(
      aliceDn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: ['+1 555 0100 77'] }) }),
    );
    const added = await env.slapd.addPerson('new.hire');
    const changedAt = Date.now();

    await waitFor(
      async () => {
        const now = await userList();
        const a = now.find((u) => u.id === alice.id);
        const n = now.find((u) => u.onPremImmutableId === added.immutableId);
        return a?.mobilePhone === '+1 555 0100 77' && n && !n.deleted ? true : undefined;
      },
      { timeoutMs: 3 * SYNC_INTERVAL_MS + 5000, what: 'the delta with the mobile number and the new user' },
    );
    // Reported for the note, not asserted: how long the change took to show.
    process.stdout.write(`identity-sync: change visible after ${Date.now() - changedAt} ms\n`);
  });

  it('marks a user deleted in the directory as deleted', async () => {
    const victim = env.slapd.users.at(-1)!;
    await root.del(victim.dn);

    const gone = await waitFor(
      async () => (await userList()).find((u) => u.onPremImmutableId === victim.immutableId && u.deleted),
      { timeoutMs: 3 * SYNC_INTERVAL_MS + 5000, what: 'the deletion to reach the cloud' },
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

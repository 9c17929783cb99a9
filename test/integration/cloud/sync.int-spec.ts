import { randomUUID } from 'node:crypto';
import {
  MessageType,
  REPLY_ROUTING,
  SyncMode,
  type DirectorySyncV1,
  type SyncedGroup,
  type SyncedUser,
} from '@sspr/contracts';
import { waitFor } from '@sspr/test-support';
import { aTenant, startCloud, type CloudUnderTest, type TenantFixture } from './support/cloud-under-test';
import { ScriptedAgent } from './support/scripted-agent';

jest.setTimeout(30_000);

interface UserView {
  id: string;
  userPrincipalName: string;
  displayName: string;
  source: 'synced' | 'cloud';
  onPremDistinguishedName: string | null;
  onPremImmutableId: string | null;
  enabled: boolean;
  mail: string | null;
  mobilePhone: string | null;
  officePhone: string | null;
  deleted: boolean;
  lastSyncedAt: string | null;
  updatedAt: string;
}

interface GroupView {
  id: string;
  displayName: string;
  source: 'synced' | 'cloud';
  onPremImmutableId: string | null;
  deleted: boolean;
}

interface Counters {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  conflicts: number;
}

interface SyncView {
  syncId: string;
  agentId: string;
  mode: SyncMode;
  batchCount: number;
  batchesReceived: number;
  completedAt: string | null;
  counters: Counters;
}

type BatchContent = Partial<Pick<DirectorySyncV1, 'users' | 'groups' | 'deletedAnchors'>>;

function aPerson(name: string, overrides: Partial<SyncedUser> = {}): SyncedUser {
  return {
    anchor: randomUUID(),
    dn: `uid=${name},ou=People,dc=example,dc=test`,
    userPrincipalName: `${name}@example.test`,
    displayName: name[0]!.toUpperCase() + name.slice(1),
    enabled: true,
    mail: `${name}@mail.example.test`,
    mobile: '+15550100',
    ...overrides,
  };
}

function aGroup(name: string, members: { dn: string }[]): SyncedGroup {
  return {
    anchor: randomUUID(),
    dn: `cn=${name},ou=Groups,dc=example,dc=test`,
    name,
    memberDns: members.map((m) => m.dn),
  };
}

/** A small directory: Staff ⊃ {alice, Engineering}, Engineering ⊃ {bob, carol}. */
function aDirectory() {
  const alice = aPerson('alice');
  const bob = aPerson('bob', { telephoneNumber: '+15550111' });
  const carol = aPerson('carol');
  const engineering = aGroup('Engineering', [bob, carol]);
  // Spelled differently from Engineering's own DN: membership must match it anyway.
  const staff = {
    ...aGroup('Staff', [alice]),
    memberDns: [alice.dn, 'CN=Engineering, OU=Groups, DC=example, DC=test'],
  };
  return { alice, bob, carol, engineering, staff };
}

describe('directory sync: agents’ directory.sync.v1 batches into users and groups (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;
  const agents: ScriptedAgent[] = [];

  async function anAgent(tenant: TenantFixture): Promise<ScriptedAgent> {
    const agent = await ScriptedAgent.register(cloud.baseUrl, tenant, cloud.vhost.url);
    agents.push(agent);
    return agent;
  }

  async function aTenantWithAgent(): Promise<{ tenant: TenantFixture; agent: ScriptedAgent }> {
    const tenant = await aTenant(cloud);
    return { tenant, agent: await anAgent(tenant) };
  }

  /** One signed batch, as an agent publishes it; `tenantId` may be forged to another tenant. */
  async function sendBatch(
    agent: ScriptedAgent,
    batch: Omit<DirectorySyncV1, 'agentId' | 'users' | 'groups' | 'deletedAnchors'> & BatchContent,
    tenantId = agent.keys.tenantId,
  ): Promise<void> {
    const now = new Date();
    await agent.publish(REPLY_ROUTING.sync(tenantId), {
      type: MessageType.DirectorySync,
      id: randomUUID(),
      tenantId,
      issuedAt: now.toISOString(),
      notAfter: new Date(now.getTime() + 300_000).toISOString(),
      payload: { agentId: agent.agentId, users: [], groups: [], deletedAnchors: [], ...batch },
    });
  }

  /** Sends a run's batches, in `order` (default: as given); returns its sync id. */
  async function sendRun(
    agent: ScriptedAgent,
    mode: SyncMode,
    batches: BatchContent[],
    order: number[] = batches.map((_, i) => i),
  ): Promise<string> {
    const syncId = randomUUID();
    for (const sequence of order) {
      await sendBatch(agent, { syncId, mode, sequence, batchCount: batches.length, ...batches[sequence] });
    }
    return syncId;
  }

  async function get<T>(tenant: TenantFixture, path: string): Promise<T> {
    const res = await tenant.admin.call<T>('GET', `/api/v1/tenants/${tenant.tenantId}${path}`);
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function syncs(tenant: TenantFixture): Promise<SyncView[]> {
    return (await get<{ syncs: SyncView[] }>(tenant, '/directory-syncs?limit=100')).syncs;
  }

  function completed(tenant: TenantFixture, syncId: string): Promise<SyncView> {
    return waitFor(async () => (await syncs(tenant)).find((s) => s.syncId === syncId && s.completedAt !== null), {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: `sync ${syncId} to complete`,
    });
  }

  async function users(tenant: TenantFixture): Promise<Map<string, UserView>> {
    const list = (await get<{ users: UserView[] }>(tenant, '/users')).users;
    return new Map(list.map((u) => [u.userPrincipalName, u]));
  }

  async function userByAnchor(tenant: TenantFixture, person: SyncedUser): Promise<UserView> {
    const found = [...(await users(tenant)).values()].find((u) => u.onPremImmutableId === person.anchor);
    if (!found) throw new Error(`no user with anchor ${person.anchor}`);
    return found;
  }

  async function groupNamed(tenant: TenantFixture, name: string): Promise<GroupView> {
    const found = (await get<{ groups: GroupView[] }>(tenant, '/groups')).groups.find((g) => g.displayName === name);
    if (!found) throw new Error(`no group ${name}`);
    return found;
  }

  async function members(tenant: TenantFixture, group: GroupView, transitive: boolean) {
    const body = await get<{ users: UserView[]; groups: GroupView[] }>(
      tenant,
      `/groups/${group.id}/members?transitive=${transitive}`,
    );
    return { users: body.users.map((u) => u.displayName), groups: body.groups.map((g) => g.displayName) };
  }

  async function groupsOf(tenant: TenantFixture, user: UserView, transitive: boolean): Promise<string[]> {
    const body = await get<{ groups: GroupView[] }>(tenant, `/users/${user.id}/groups?transitive=${transitive}`);
    return body.groups.map((g) => g.displayName);
  }

  /** The sync batches the cloud has handled so far with this outcome (from its Prometheus metrics). */
  async function syncBatches(outcome: 'applied' | 'duplicate' | 'refused'): Promise<number> {
    const text = await (await fetch(`${cloud.baseUrl}/metrics`)).text();
    const match = new RegExp(`^sspr_sync_batches_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
    return Number(match?.[1] ?? 0);
  }

  function deadLettersReach(count: number): Promise<number> {
    return waitFor(async () => ((await cloud.deadLettered()) >= count ? cloud.deadLettered() : undefined), {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: `${count} dead-lettered replies`,
    });
  }

  /** A full run of the small directory in three batches, delivered out of order; waits for it to complete. */
  async function fullRunOf(agent: ScriptedAgent, tenant: TenantFixture, d: ReturnType<typeof aDirectory>) {
    const syncId = await sendRun(
      agent,
      SyncMode.Full,
      [{ users: [d.alice, d.bob] }, { users: [d.carol], groups: [d.engineering] }, { groups: [d.staff] }],
      [2, 0, 1],
    );
    return completed(tenant, syncId);
  }

  beforeAll(async () => {
    cloud = await startCloud();
  });

  afterAll(async () => {
    for (const agent of agents) await agent.close();
    await cloud?.stop();
  });

  it('applies a full run delivered out of order: users with their contact info, groups, nested membership', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const d = aDirectory();

    const run = await fullRunOf(agent, tenant, d);

    const all = await users(tenant);
    expect(all.get('bob@example.test')).toMatchObject({
      source: 'synced',
      displayName: 'Bob',
      onPremDistinguishedName: d.bob.dn,
      onPremImmutableId: d.bob.anchor,
      enabled: true,
      mail: 'bob@mail.example.test',
      mobilePhone: '+15550100',
      officePhone: '+15550111',
      deleted: false,
    });
    expect([...all.keys()].sort()).toEqual(['alice@example.test', 'bob@example.test', 'carol@example.test']);
    const staff = await groupNamed(tenant, 'Staff');
    const bob = await userByAnchor(tenant, d.bob);
    expect(await members(tenant, staff, false)).toEqual({ users: ['Alice'], groups: ['Engineering'] });
    expect(await members(tenant, staff, true)).toEqual({ users: ['Alice', 'Bob', 'Carol'], groups: ['Engineering'] });
    expect(await groupsOf(tenant, bob, false)).toEqual(['Engineering']);
    expect(await groupsOf(tenant, bob, true)).toEqual(['Engineering', 'Staff']);
    expect(run).toMatchObject({
      agentId: agent.agentId,
      mode: SyncMode.Full,
      batchCount: 3,
      batchesReceived: 3,
      counters: { created: 5, updated: 0, unchanged: 0, deleted: 0, conflicts: 0 },
    });
  });

  it('changes nothing when the same full run comes again (updated_at untouched, counted unchanged)', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const d = aDirectory();
    await fullRunOf(agent, tenant, d);
    const before = await users(tenant);

    const again = await fullRunOf(agent, tenant, d);

    const after = await users(tenant);
    expect(again.counters).toEqual({ created: 0, updated: 0, unchanged: 5, deleted: 0, conflicts: 0 });
    for (const [upn, user] of before) {
      expect(after.get(upn)).toEqual({ ...user, lastSyncedAt: expect.any(String) as unknown });
      expect(Date.parse(after.get(upn)!.lastSyncedAt!)).toBeGreaterThan(Date.parse(user.lastSyncedAt!));
    }
  });

  it('applies a delta: a changed mobile, a new user, the rest untouched', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const d = aDirectory();
    await fullRunOf(agent, tenant, d);
    const before = await users(tenant);
    const dave = aPerson('dave');

    const delta = await completed(
      tenant,
      await sendRun(agent, SyncMode.Delta, [{ users: [{ ...d.alice, mobile: '+15550199' }, dave] }]),
    );

    const after = await users(tenant);
    expect(after.get('alice@example.test')).toMatchObject({ mobilePhone: '+15550199' });
    expect(after.get('dave@example.test')).toMatchObject({ source: 'synced', onPremImmutableId: dave.anchor });
    expect(after.get('bob@example.test')).toEqual(before.get('bob@example.test'));
    expect(delta.counters).toEqual({ created: 1, updated: 1, unchanged: 0, deleted: 0, conflicts: 0 });
  });

  it('marks a user deleted by a delta: kept and listed as deleted, out of its groups, no longer resettable', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    await agent.consume();
    const d = aDirectory();
    await fullRunOf(agent, tenant, d);
    const bob = await userByAnchor(tenant, d.bob);
    // A reset before the deletion: the replica now remembers bob's writeback target.
    const first = await tenant.admin.resetPassword(tenant.tenantId, bob.id, { password: 'Correct-Horse-51' });

    const delta = await completed(tenant, await sendRun(agent, SyncMode.Delta, [{ deletedAnchors: [d.bob.anchor] }]));

    const afterDeletion = await tenant.admin.resetPassword(tenant.tenantId, bob.id, { password: 'Correct-Horse-52' });
    expect(first.status).toBe(200);
    expect(afterDeletion.status).toBe(404);
    expect(afterDeletion.body).toMatchObject({ code: 'user_not_found' });
    expect((await users(tenant)).get('bob@example.test')).toMatchObject({ id: bob.id, deleted: true });
    expect(await members(tenant, await groupNamed(tenant, 'Engineering'), false)).toEqual({
      users: ['Carol'],
      groups: [],
    });
    expect(delta.counters).toMatchObject({ deleted: 1 });
  });

  it('marks deleted whoever a full run no longer names, and brings a user back when its anchor re-appears', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const d = aDirectory();
    await fullRunOf(agent, tenant, d);

    const withoutBob = await completed(
      tenant,
      await sendRun(agent, SyncMode.Full, [
        { users: [d.alice, d.carol] },
        { groups: [{ ...d.engineering, memberDns: [d.carol.dn] }, d.staff] },
      ]),
    );
    const deleted = (await users(tenant)).get('bob@example.test');
    await completed(tenant, await sendRun(agent, SyncMode.Delta, [{ users: [d.bob] }]));
    const back = (await users(tenant)).get('bob@example.test');

    expect(withoutBob.counters).toEqual({ created: 0, updated: 1, unchanged: 3, deleted: 1, conflicts: 0 });
    expect(deleted).toMatchObject({ deleted: true });
    expect(back).toMatchObject({ id: deleted?.id, deleted: false });
  });

  it('counts a batch delivered three times once', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const d = aDirectory();
    const duplicatesBefore = await syncBatches('duplicate');
    const syncId = randomUUID();
    const batch = { syncId, mode: SyncMode.Full, batchCount: 2 };

    for (let copy = 0; copy < 3; copy++) await sendBatch(agent, { ...batch, sequence: 0, users: [d.alice, d.bob] });
    await sendBatch(agent, { ...batch, sequence: 1, users: [d.carol] });
    await waitFor(async () => ((await syncBatches('duplicate')) >= duplicatesBefore + 2 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: 'both copies to be recognized',
    });
    const run = await completed(tenant, syncId);

    expect(run).toMatchObject({ batchesReceived: 2, counters: { created: 3, updated: 0, unchanged: 0 } });
    expect((await users(tenant)).size).toBe(3);
  });

  it('keeps another tenant’s agent to its own tenant: a forged tenant is dead-lettered, anchors are per tenant', async () => {
    const a = await aTenantWithAgent();
    const b = await aTenantWithAgent();
    const d = aDirectory();
    await fullRunOf(a.agent, a.tenant, d);
    const before = await users(a.tenant);
    const dead = await cloud.deadLettered();

    // Speaking for tenant A: refused whole.
    await sendBatch(
      b.agent,
      { syncId: randomUUID(), mode: SyncMode.Delta, sequence: 0, batchCount: 1, deletedAnchors: [d.alice.anchor] },
      a.tenant.tenantId,
    );
    await deadLettersReach(dead + 1);
    // Speaking for itself with A's anchors: applied to tenant B only.
    const own = await completed(
      b.tenant,
      await sendRun(b.agent, SyncMode.Delta, [
        { users: [{ ...d.bob, displayName: 'Not Bob' }], deletedAnchors: [d.alice.anchor, d.carol.anchor] },
      ]),
    );

    expect(await users(a.tenant)).toEqual(before);
    expect([...(await users(b.tenant)).values()]).toEqual([
      expect.objectContaining({ displayName: 'Not Bob', onPremImmutableId: d.bob.anchor }) as unknown,
    ]);
    expect(own.counters).toEqual({ created: 1, updated: 0, unchanged: 0, deleted: 0, conflicts: 0 });
    expect(await syncs(a.tenant)).toHaveLength(1);
  });

  it('dead-letters a batch that reuses another tenant’s sync id, or disagrees with its own run', async () => {
    const a = await aTenantWithAgent();
    const b = await aTenantWithAgent();
    const syncId = await sendRun(a.agent, SyncMode.Full, [{ users: [aPerson('alice')] }, {}]);
    await waitFor(async () => ((await syncs(a.tenant))[0]?.batchesReceived === 2 ? true : undefined), {
      timeoutMs: 10_000,
      what: 'tenant A’s run',
    });
    const dead = await cloud.deadLettered();

    await sendBatch(b.agent, { syncId, mode: SyncMode.Full, sequence: 0, batchCount: 2, users: [aPerson('mallory')] });
    await sendBatch(a.agent, { syncId, mode: SyncMode.Delta, sequence: 1, batchCount: 2 });
    await sendBatch(a.agent, { syncId: randomUUID(), mode: SyncMode.Delta, sequence: 1, batchCount: 1 });

    await deadLettersReach(dead + 3);
    expect((await users(b.tenant)).size).toBe(0);
    expect(await syncs(b.tenant)).toEqual([]);
  });

  it('dead-letters a batch from a revoked agent and changes nothing', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const revoke = await tenant.admin.call('DELETE', `/api/v1/tenants/${tenant.tenantId}/agents/${agent.agentId}`);
    const dead = await cloud.deadLettered();

    await sendRun(agent, SyncMode.Full, [{ users: [aPerson('alice')] }]);

    expect(revoke.status).toBe(204);
    await deadLettersReach(dead + 1);
    expect((await users(tenant)).size).toBe(0);
    expect(await syncs(tenant)).toEqual([]);
  });

  it('retries a batch whose transaction fails (as in a database outage) and applies it once the database works', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const dead = await cloud.deadLettered();
    // Every batch transaction now fails at its last step; the sequence counts the attempts (it survives rollbacks).
    await cloud.sql(`CREATE SEQUENCE sync_attempts`);
    await cloud.sql(`CREATE FUNCTION fail_sync() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN PERFORM nextval('sync_attempts'); RAISE EXCEPTION 'test: database failing'; END $$`);
    await cloud.sql(
      `CREATE TRIGGER fail_sync BEFORE INSERT ON directory_syncs FOR EACH ROW EXECUTE FUNCTION fail_sync()`,
    );
    try {
      const syncId = await sendRun(agent, SyncMode.Full, [{ users: [aPerson('alice')] }]);
      await waitFor(
        async () => {
          const [row] = await cloud.sql<{ n: string }>(
            `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM sync_attempts`,
          );
          return Number(row?.n) >= 2 ? true : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 50, what: 'the batch to be tried twice' },
      );
      const meanwhile = await users(tenant);
      await cloud.sql(`DROP TRIGGER fail_sync ON directory_syncs`);

      const run = await completed(tenant, syncId);

      expect(meanwhile.size).toBe(0);
      expect(run.counters).toMatchObject({ created: 1 });
      expect(await cloud.deadLettered()).toBe(dead);
    } finally {
      await cloud.sql(`DROP TRIGGER IF EXISTS fail_sync ON directory_syncs`);
      await cloud.sql(`DROP FUNCTION IF EXISTS fail_sync()`);
      await cloud.sql(`DROP SEQUENCE IF EXISTS sync_attempts`);
    }
  });

  it('skips and counts a user whose UPN belongs to a cloud-only user, and applies the rest', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const cloudOnly = await tenant.admin.call<UserView>('POST', `/api/v1/tenants/${tenant.tenantId}/users`, {
      userPrincipalName: 'alice@example.test',
      displayName: 'Cloud Alice',
      source: 'cloud',
    });

    const run = await completed(
      tenant,
      await sendRun(agent, SyncMode.Full, [{ users: [aPerson('alice'), aPerson('bob')] }]),
    );

    const all = await users(tenant);
    expect(all.get('alice@example.test')).toEqual(cloudOnly.body);
    expect(all.get('bob@example.test')).toMatchObject({ source: 'synced' });
    expect(run.counters).toEqual({ created: 1, updated: 0, unchanged: 0, deleted: 0, conflicts: 1 });
  });

  it('adopts a synced user an admin created before the sync, and a full run leaves unsynced ones alone', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const adopted = await tenant.admin.createSyncedUser(tenant.tenantId, {
      userPrincipalName: 'alice@example.test',
      displayName: 'Alice (by hand)',
      dn: 'uid=alice,ou=People,dc=example,dc=test',
    });
    const untouched = await tenant.admin.createSyncedUser(tenant.tenantId, {
      userPrincipalName: 'erin@example.test',
      displayName: 'Erin',
      dn: 'uid=erin,ou=People,dc=example,dc=test',
    });
    const alice = aPerson('alice');

    const run = await completed(tenant, await sendRun(agent, SyncMode.Full, [{ users: [alice] }]));

    const all = await users(tenant);
    expect(all.get('alice@example.test')).toMatchObject({
      id: adopted.id,
      displayName: 'Alice',
      onPremImmutableId: alice.anchor,
    });
    expect(all.get('erin@example.test')).toMatchObject({ id: untouched.id, deleted: false, lastSyncedAt: null });
    expect(run.counters).toEqual({ created: 0, updated: 1, unchanged: 0, deleted: 0, conflicts: 0 });
  });

  it('resolves nested groups that contain each other without looping', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const zoe = aPerson('zoe');
    const left = aGroup('Left', [zoe]);
    const right = aGroup('Right', [left]);
    left.memberDns.push(right.dn);

    await completed(tenant, await sendRun(agent, SyncMode.Full, [{ users: [zoe], groups: [left, right] }]));

    expect(await members(tenant, await groupNamed(tenant, 'Right'), true)).toEqual({
      users: ['Zoe'],
      groups: ['Left'],
    });
    expect(await groupsOf(tenant, await userByAnchor(tenant, zoe), true)).toEqual(['Left', 'Right']);
  });

  it('shows groups only to their own tenant’s admin, and answers 404 for an unknown group', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    const stranger = await aTenant(cloud);
    await fullRunOf(agent, tenant, aDirectory());
    const staff = await groupNamed(tenant, 'Staff');

    const theirs = await stranger.admin.call('GET', `/api/v1/tenants/${tenant.tenantId}/groups`);
    const viaOwnPath = await stranger.admin.call(
      'GET',
      `/api/v1/tenants/${stranger.tenantId}/groups/${staff.id}/members`,
    );
    const unknown = await tenant.admin.call('GET', `/api/v1/tenants/${tenant.tenantId}/groups/${randomUUID()}/members`);

    expect(theirs.status).toBe(404);
    expect(viaOwnPath.status).toBe(404);
    expect(viaOwnPath.body).toMatchObject({ code: 'group_not_found' });
    expect(unknown.status).toBe(404);
    expect(await get<{ groups: unknown[] }>(stranger, '/groups')).toEqual({ groups: [] });
  });

  it('lists the latest sync runs first, as many as asked, and refuses a limit above 100', async () => {
    const { tenant, agent } = await aTenantWithAgent();
    await completed(tenant, await sendRun(agent, SyncMode.Full, [{ users: [aPerson('alice')] }]));
    const second = await completed(tenant, await sendRun(agent, SyncMode.Delta, [{ users: [aPerson('bob')] }]));

    const latest = await get<{ syncs: SyncView[] }>(tenant, '/directory-syncs?limit=1');
    const tooMany = await tenant.admin.call('GET', `/api/v1/tenants/${tenant.tenantId}/directory-syncs?limit=101`);

    expect(latest.syncs).toEqual([second]);
    expect(tooMany.status).toBe(400);
  });

  it('refuses a transitive flag that is not true or false with 400', async () => {
    const tenant = await aTenant(cloud);

    const res = await tenant.admin.call<{ errors: string[] }>(
      'GET',
      `/api/v1/tenants/${tenant.tenantId}/groups/${randomUUID()}/members?transitive=yes`,
    );

    expect(res.status).toBe(400);
    expect(res.body.errors).toContain('transitive must be true or false');
  });
});

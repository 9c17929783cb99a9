import { randomUUID } from 'node:crypto';
import { HealthCheckStatus, SyncMode, type DirectorySyncV1 } from '@sspr/contracts';
import { FullSyncRequiredError, type DirectorySyncSource, type SyncSnapshot } from '@sspr/directory';
import type { AgentIdentity } from '../identity/agent-identity';
import type { ReplyPublisher } from '../messaging/replies';
import { SyncRunner } from './sync-runner';

const identity = { agentId: randomUUID(), tenantId: randomUUID() } as AgentIdentity;
const user = (i: number) => ({
  anchor: `a-${i}`,
  dn: `uid=u${i},dc=example,dc=test`,
  userPrincipalName: `u${i}@example.test`,
  displayName: `U ${i}`,
  enabled: true,
});
const snapshot = (users: number, watermark: string): SyncSnapshot => ({
  users: Array.from({ length: users }, (_, i) => user(i)),
  groups: [],
  deletedAnchors: [],
  watermark,
});

/** A directory reader that answers from a script and records what it was asked. */
function aSource(script: { full: () => SyncSnapshot; delta: (watermark: string) => SyncSnapshot }) {
  const asked: string[] = [];
  const source: DirectorySyncSource = {
    full: () => (asked.push('full'), Promise.resolve(script.full())),
    changesSince: (w) => {
      asked.push(`delta:${w}`);
      return Promise.resolve().then(() => script.delta(w));
    },
  };
  return { source, asked };
}

/** The broker side: records the batches, or refuses them while `down`. */
function aPublisher() {
  const sent: DirectorySyncV1[] = [];
  const state = { down: false };
  const replies = {
    sync: (payload: DirectorySyncV1) =>
      state.down ? Promise.reject(new Error('not connected to the broker')) : (sent.push(payload), Promise.resolve()),
  } as unknown as ReplyPublisher;
  return { replies, sent, state };
}

const schedule = { intervalMs: 1000, fullIntervalMs: 60_000 };

describe('SyncRunner', () => {
  it('starts with a full run, then asks for changes since the watermark the last run returned', async () => {
    const { source, asked } = aSource({ full: () => snapshot(3, 'w1'), delta: () => snapshot(0, 'w2') });
    const { replies, sent } = aPublisher();
    const runner = new SyncRunner(identity, source, replies, schedule);

    const first = await runner.runOnce();
    const second = await runner.runOnce();
    await runner.runOnce();

    expect(asked).toEqual(['full', 'delta:w1', 'delta:w2']);
    expect(first).toMatchObject({ mode: SyncMode.Full, users: 3, batches: 1 });
    expect(second).toMatchObject({ mode: SyncMode.Delta, batches: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ agentId: identity.agentId, mode: SyncMode.Full, sequence: 0, batchCount: 1 });
  });

  it('keeps the watermark when a run could not be sent, so the next run asks again from it', async () => {
    const { source, asked } = aSource({ full: () => snapshot(1, 'w1'), delta: (w) => snapshot(1, `${w}+`) });
    const { replies, state } = aPublisher();
    const runner = new SyncRunner(identity, source, replies, schedule);
    await runner.runOnce();

    state.down = true;
    await expect(runner.runOnce()).rejects.toThrow(/broker/);
    state.down = false;
    await runner.runOnce();

    expect(asked).toEqual(['full', 'delta:w1', 'delta:w1']);
  });

  it('falls back to a full run when the source cannot answer from the watermark', async () => {
    const { source, asked } = aSource({
      full: () => snapshot(2, 'w1'),
      delta: () => {
        throw new FullSyncRequiredError();
      },
    });
    const { replies, sent } = aPublisher();
    const runner = new SyncRunner(identity, source, replies, schedule);
    await runner.runOnce();

    const summary = await runner.runOnce();

    expect(asked).toEqual(['full', 'delta:w1', 'full']);
    expect(summary.mode).toBe(SyncMode.Full);
    expect(sent.map((s) => s.mode)).toEqual([SyncMode.Full, SyncMode.Full]);
  });

  it('runs in full again once the full interval has passed', async () => {
    let now = 0;
    const { source, asked } = aSource({ full: () => snapshot(1, 'w'), delta: () => snapshot(0, 'w') });
    const runner = new SyncRunner(identity, source, aPublisher().replies, schedule, () => now);
    await runner.runOnce();
    now = 30_000;
    await runner.runOnce();
    now = 60_000;
    await runner.runOnce();

    expect(asked).toEqual(['full', 'delta:w', 'full']);
  });

  it('reports sync lag: passing after a run, failing with the reason after three intervals without one', async () => {
    let now = 0;
    const { source } = aSource({ full: () => snapshot(1, 'w'), delta: () => snapshot(1, 'w') });
    const { replies, state } = aPublisher();
    const runner = new SyncRunner(identity, source, replies, schedule, () => now);
    expect(runner.health().status).toBe(HealthCheckStatus.Warn);
    await runner.runOnce();
    expect(runner.health().status).toBe(HealthCheckStatus.Pass);

    state.down = true;
    now = 3_500;
    await expect(runner.runOnce()).rejects.toThrow();

    expect(runner.health()).toMatchObject({ status: HealthCheckStatus.Fail, value: 4 });
    expect(runner.health().detail).toMatch(/could not be sent/);
  });

  it('does not send a full run that found no user, which would mark every synced user deleted', async () => {
    let now = 0;
    const { source } = aSource({ full: () => snapshot(0, 'w'), delta: () => snapshot(0, 'w') });
    const { replies, sent } = aPublisher();
    const runner = new SyncRunner(identity, source, replies, schedule, () => now);

    await expect(runner.runOnce()).rejects.toThrow(/no users in scope/);
    now = 3_500;

    expect(sent).toEqual([]);
    expect(runner.health()).toMatchObject({ status: HealthCheckStatus.Fail });
    expect(runner.health().detail).toMatch(/SYNC_BASE_DN and SYNC_USER_FILTER/);
  });
});

import { RunQueue, RunReads, SnapshotBuilder, type ReadObject } from './sync-run';
import { buildSyncedGroup, buildSyncedUser, type SyncIssue } from './synced-object';

const ANCHOR = '830140d6-7bca-1041-9299-25ab64b185fc';

function aUserRead(mobile = '+1 555 0101'): ReadObject {
  const built = buildSyncedUser({
    anchor: ANCHOR,
    dn: 'uid=a,dc=x',
    userPrincipalName: 'a@x',
    displayName: 'A',
    enabled: true,
    mobile,
  });
  return { objectType: 'user', built, version: '1' };
}

describe('RunQueue', () => {
  it('starts a run only after the one before it has ended, even when that one failed', async () => {
    const queue = new RunQueue();
    const order: string[] = [];
    let endFirst: () => void = () => undefined;
    const first = queue.run(
      () =>
        new Promise<void>((_, reject) => {
          order.push('first started');
          endFirst = () => {
            order.push('first ended');
            reject(new Error('first failed'));
          };
        }),
    );
    const second = queue.run(() => {
      order.push('second started');
      return Promise.resolve('second');
    });
    await Promise.resolve();

    endFirst();

    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe('second');
    expect(order).toEqual(['first started', 'first ended', 'second started']);
  });
});

describe('RunReads', () => {
  it('keeps an entry matching both filters as a user, and says so', () => {
    const reads = new RunReads();
    const user = aUserRead();
    const group = buildSyncedGroup({ anchor: ANCHOR, dn: 'uid=a,dc=x', name: 'a', memberDns: [] });

    reads.add(user);
    reads.add({ objectType: 'group', built: group, version: '1' });

    expect(reads.get(ANCHOR)?.objectType).toBe('user');
    expect(user.built.issues).toEqual([expect.objectContaining({ action: 'skipped', objectType: 'group' })]);
  });
});

describe('SnapshotBuilder', () => {
  it('sends an object only when it differs from the baseline entry, and remembers it either way', () => {
    const issues: SyncIssue[] = [];
    const builder = new SnapshotBuilder((issue) => issues.push(issue));
    const same = aUserRead();

    builder.read(same, { version: '0', digest: same.built.digest });

    expect(builder.users).toEqual([]);
    expect(builder.baseline.get(ANCHOR)).toEqual({ version: '1', digest: same.built.digest });
  });

  it('sends a changed object', () => {
    const builder = new SnapshotBuilder();

    builder.read(aUserRead('+1 555 9999'), { version: '0', digest: aUserRead().built.digest });

    expect(builder.users.map((u) => u.mobile)).toEqual(['+1 555 9999']);
  });
});

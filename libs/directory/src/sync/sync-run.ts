import type { SyncedGroup, SyncedUser } from '@sspr/contracts';
import type { SyncSnapshot } from '../directory.adapter';
import type { BaselineEntry } from './sync-baseline';
import type { BuiltObject, SyncIssue } from './synced-object';

/** Options every sync source takes besides its connection and scope. */
export interface SyncSourceOptions {
  /**
   * Told about every object or value the sync leaves out or shortens, to be logged: once per change of the object
   * (not again on every delta while it stays the same). Never a password; DNs and attribute names only.
   */
  onIssue?: (issue: SyncIssue) => void;
}

/** One entry read in a run. */
export type ReadObject =
  | { objectType: 'user'; built: BuiltObject<SyncedUser>; version: string | undefined }
  | { objectType: 'group'; built: BuiltObject<SyncedGroup>; version: string | undefined };

/** The entries one run read, by anchor; an anchor read twice (user and group filter both match) is kept once. */
export class RunReads {
  readonly #byAnchor = new Map<string, ReadObject>();
  /** Issues of entries without an anchor: they cannot be tracked, so they are reported on every run that reads them. */
  readonly anchorless: SyncIssue[] = [];

  add(read: ReadObject): void {
    const { anchor } = read.built;
    if (anchor === '') {
      this.anchorless.push(...read.built.issues);
      return;
    }
    const earlier = this.#byAnchor.get(anchor);
    if (earlier && earlier.objectType !== read.objectType) {
      // Users are read first: the entry stays a user, and the overlap is worth a line in the log.
      earlier.built.issues.push({
        action: 'skipped',
        objectType: read.objectType,
        anchor,
        dn: read.built.object?.dn ?? earlier.built.object?.dn ?? '',
        reason: 'the entry matches both the user and the group filter; it is synced as a user only',
      });
      return;
    }
    this.#byAnchor.set(anchor, read);
  }

  get(anchor: string): ReadObject | undefined {
    return this.#byAnchor.get(anchor);
  }

  has(anchor: string): boolean {
    return this.#byAnchor.has(anchor);
  }

  values(): IterableIterator<ReadObject> {
    return this.#byAnchor.values();
  }
}

/** Builds a snapshot and the baseline that goes with it, reporting issues of what is sent. */
export class SnapshotBuilder {
  readonly users: SyncedUser[] = [];
  readonly groups: SyncedGroup[] = [];
  readonly baseline = new Map<string, BaselineEntry>();
  readonly #onIssue?: (issue: SyncIssue) => void;

  constructor(onIssue?: (issue: SyncIssue) => void) {
    this.#onIssue = onIssue;
  }

  /** An object read in this run: remembered, and sent unless `previous` shows the cloud already has exactly this. */
  read(read: ReadObject, previous?: BaselineEntry): void {
    const { built } = read;
    this.baseline.set(built.anchor, { version: read.version, digest: built.digest });
    if (previous?.digest === built.digest) return;
    this.report(built.issues);
    if (read.objectType === 'user' && read.built.object) this.users.push(read.built.object);
    if (read.objectType === 'group' && read.built.object) this.groups.push(read.built.object);
  }

  /** An object in scope that this run did not read again: unchanged since `previous`. */
  unchanged(anchor: string, previous: BaselineEntry): void {
    this.baseline.set(anchor, previous);
  }

  report(issues: SyncIssue[]): void {
    for (const issue of issues) this.#onIssue?.(issue);
  }

  snapshot(watermark: string, deletedAnchors: string[] = []): SyncSnapshot {
    const byDn = (a: { dn: string }, b: { dn: string }): number => a.dn.localeCompare(b.dn);
    return {
      users: this.users.sort(byDn),
      groups: this.groups.sort(byDn),
      deletedAnchors: [...deletedAnchors].sort(),
      watermark,
    };
  }
}

/** Runs one sync at a time: a run reads and replaces the baselines, so two must not interleave. */
export class RunQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(work, work);
    this.#tail = next.catch(() => undefined); // the caller gets the failure; the queue only waits for the end
    return next;
  }
}

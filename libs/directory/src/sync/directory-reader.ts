import { AndFilter, type Entry, type Filter } from 'ldapts';
import type { Baseline } from './sync-baseline';
import type { SyncConnection } from './sync-connection';
import { RunReads, type ReadObject, type SnapshotBuilder } from './sync-run';
import type { SyncObjectType } from './synced-object';

/** Entries fetched by anchor per search when the listing finds changes the change search did not return. */
const ANCHOR_CHUNK = 100;

/** What differs between directories in reading users and groups; the run logic around it is shared. */
export interface DirectoryDialect {
  baseDn: string;
  userFilter: Filter;
  groupFilter: Filter;
  userAttributes: string[];
  groupAttributes: string[];
  /** The anchor and the version attribute only: what the listing of a delta asks for. */
  listingAttributes: string[];
  /** Attributes to receive as bytes (objectGUID). */
  binaryAttributes: string[];
  anchorOf(entry: Entry): string | undefined;
  /** Changes with every write of the entry (entryCSN, uSNChanged). */
  versionOf(entry: Entry): string | undefined;
  /** A filter matching exactly these anchors. */
  anchorFilter(anchors: string[]): Filter;
  toUser(entry: Entry, connection: SyncConnection): ReadObject | Promise<ReadObject>;
  toGroup(entry: Entry, connection: SyncConnection): ReadObject | Promise<ReadObject>;
}

/** Every anchor in scope now, with its version and whether it is a user or a group. */
export type Listing = Map<string, { objectType: SyncObjectType; version: string | undefined }>;

/**
 * Reads the users or groups matching `filter` (the whole filter: the scope's, or the scope's ANDed with a change
 * condition) into `reads`; `seen` is told about every entry (e.g. to track the latest timestamp).
 */
export async function readObjects(
  connection: SyncConnection,
  dialect: DirectoryDialect,
  objectType: SyncObjectType,
  filter: Filter,
  reads: RunReads,
  seen?: (entry: Entry) => void,
): Promise<void> {
  const attributes = objectType === 'user' ? dialect.userAttributes : dialect.groupAttributes;
  const pages = connection.pages(dialect.baseDn, {
    filter,
    attributes,
    explicitBufferAttributes: dialect.binaryAttributes,
  });
  for await (const page of pages) {
    for (const entry of page) {
      reads.add(
        objectType === 'user' ? await dialect.toUser(entry, connection) : await dialect.toGroup(entry, connection),
      );
      seen?.(entry);
    }
  }
}

/** Reads every user and group in scope: a full run. */
export async function readAll(
  connection: SyncConnection,
  dialect: DirectoryDialect,
  seen?: (entry: Entry) => void,
): Promise<RunReads> {
  const reads = new RunReads();
  await readObjects(connection, dialect, 'user', dialect.userFilter, reads, seen);
  await readObjects(connection, dialect, 'group', dialect.groupFilter, reads, seen);
  return reads;
}

/** Reads the users and groups in scope that also match `changed`. */
export async function readChanged(
  connection: SyncConnection,
  dialect: DirectoryDialect,
  changed: Filter,
  seen?: (entry: Entry) => void,
): Promise<RunReads> {
  const reads = new RunReads();
  for (const [objectType, scope] of [
    ['user', dialect.userFilter],
    ['group', dialect.groupFilter],
  ] as const) {
    await readObjects(connection, dialect, objectType, new AndFilter({ filters: [scope, changed] }), reads, seen);
  }
  return reads;
}

/** Every anchor in scope with its version, paged, the anchor and version attributes only. */
export async function listAnchors(connection: SyncConnection, dialect: DirectoryDialect): Promise<Listing> {
  const listed: Listing = new Map();
  for (const [objectType, filter] of [
    ['user', dialect.userFilter],
    ['group', dialect.groupFilter],
  ] as const) {
    const pages = connection.pages(dialect.baseDn, {
      filter,
      attributes: dialect.listingAttributes,
      explicitBufferAttributes: dialect.binaryAttributes,
    });
    for await (const page of pages) {
      for (const entry of page) {
        const anchor = dialect.anchorOf(entry);
        if (anchor && !listed.has(anchor)) listed.set(anchor, { objectType, version: dialect.versionOf(entry) });
      }
    }
  }
  return listed;
}

/**
 * Reads, by anchor, the listed objects the change search did not return although their version is not the one
 * the baseline holds (or the baseline does not know them): a write the change condition could not see.
 */
export async function readMissed(
  connection: SyncConnection,
  dialect: DirectoryDialect,
  listed: Listing,
  baseline: Baseline,
  reads: RunReads,
  seen?: (entry: Entry) => void,
): Promise<void> {
  const missed: Record<SyncObjectType, string[]> = { user: [], group: [] };
  for (const [anchor, { objectType, version }] of listed) {
    const previous = baseline.get(anchor);
    if (!reads.has(anchor) && (!previous || previous.version !== version)) missed[objectType].push(anchor);
  }
  for (const objectType of ['user', 'group'] as const) {
    const scope = objectType === 'user' ? dialect.userFilter : dialect.groupFilter;
    const anchors = missed[objectType];
    for (let i = 0; i < anchors.length; i += ANCHOR_CHUNK) {
      const filter = new AndFilter({ filters: [scope, dialect.anchorFilter(anchors.slice(i, i + ANCHOR_CHUNK))] });
      await readObjects(connection, dialect, objectType, filter, reads, seen);
    }
  }
}

/**
 * A delta against `baseline` given the listing of what is in scope now: read objects are sent when they differ
 * from the baseline, listed objects not read are carried over, and the baseline's anchors the listing lacks are
 * returned as gone. The listing is the truth about scope: a read object it lacks (deleted meanwhile) is not sent.
 */
export function reconcile(builder: SnapshotBuilder, baseline: Baseline, listed: Listing, reads: RunReads): string[] {
  builder.report(reads.anchorless);
  for (const anchor of listed.keys()) {
    const read = reads.get(anchor);
    const previous = baseline.get(anchor);
    if (read) builder.read(read, previous);
    else if (previous) builder.unchanged(anchor, previous);
  }
  return [...baseline.keys()].filter((anchor) => !listed.has(anchor));
}

/** A full run's snapshot content: everything read is sent. */
export function sendAll(builder: SnapshotBuilder, reads: RunReads): void {
  builder.report(reads.anchorless);
  for (const read of reads.values()) builder.read(read);
}

import { ResultCode } from '@sspr/contracts';
import {
  AndFilter,
  EqualityFilter,
  FilterParser,
  GreaterThanEqualsFilter,
  OrFilter,
  type Entry,
  type Filter,
} from 'ldapts';
import type { DirectorySyncSource, SyncScope, SyncSnapshot } from '../directory.adapter';
import { DirectoryError } from '../directory.error';
import { dnsDomainOf, leadingRdnValue } from './dn';
import { formatGeneralizedTime, parseGeneralizedTime } from './generalized-time';
import { FullSyncRequiredError, formatWatermark, newRunId, parseWatermark, SyncBaselines } from './sync-baseline';
import {
  allStrings,
  firstString,
  withSyncConnection,
  type SyncConnection,
  type SyncConnectionConfig,
} from './sync-connection';
import { goneSince, RunQueue, RunReads, SnapshotBuilder, type ReadObject, type SyncSourceOptions } from './sync-run';
import { buildSyncedGroup, buildSyncedUser } from './synced-object';

export interface OpenLdapSyncConfig extends SyncConnectionConfig, SyncScope, SyncSourceOptions {}

export const OPENLDAP_DEFAULT_USER_FILTER = '(objectClass=inetOrgPerson)';
export const OPENLDAP_DEFAULT_GROUP_FILTER = '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';

/** ppolicy's value for "locked until an administrator unlocks it": what the adapter treats as disabled. */
const PERMANENTLY_LOCKED = '000001010000Z';
/** entryCSN changes with every write (microseconds and a counter); modifyTimestamp only to the second. */
const VERSION_ATTRIBUTES = ['entryUUID', 'entryCSN', 'modifyTimestamp'];
const USER_ATTRIBUTES = [
  ...VERSION_ATTRIBUTES,
  'uid',
  'displayName',
  'cn',
  'mail',
  'mobile',
  'telephoneNumber',
  'pwdAccountLockedTime',
];
const GROUP_ATTRIBUTES = [...VERSION_ATTRIBUTES, 'cn', 'member', 'uniqueMember'];
/** Entries fetched by anchor per search when the listing finds changes the timestamp search did not return. */
const ANCHOR_CHUNK = 100;
const EPOCH = new Date(0);

/** uniqueMember is nameAndOptionalUID: a DN, optionally followed by #'0101'B. */
const OPTIONAL_UID = /#'[01]*'B$/;

export function parseScopeFilter(text: string, what: string): Filter {
  try {
    return FilterParser.parseString(text);
  } catch {
    throw new DirectoryError(ResultCode.ConfigurationError, `the sync ${what} filter is not a valid LDAP filter`);
  }
}

/** `uid@suffix`; with several uid values, the one in the RDN, else the first in sort order (stable across reads). */
export function openLdapUpn(dn: string, uids: string[], suffix: string): string | undefined {
  if (uids.length === 0) return undefined;
  const fromRdn = leadingRdnValue(dn, 'uid');
  const uid = uids.find((value) => value.toLowerCase() === fromRdn?.toLowerCase()) ?? [...uids].sort()[0];
  return uid === undefined || uid === '' ? undefined : `${uid}@${suffix}`;
}

/**
 * Reads users and groups from OpenLDAP for the agent's directory sync (SPEC §5.2).
 *
 * Deltas: entries with `modifyTimestamp >= T`, T being the highest modifyTimestamp the previous run saw (a second
 * boundary: objects changed in that second are read again), then a paged listing of every anchor in scope with its
 * entryCSN. The listing finds deletions (anchors of the baseline that are gone, out of scope included) and anything
 * the timestamp search cannot see (a write committed after a later one, a clock stepped back, an entry replicated
 * late): those are fetched by anchor. An object is sent only when what the cloud would receive differs from what
 * the baseline of that watermark holds, so boundary objects and unrelated writes (a password change) send nothing.
 */
export class OpenLdapSyncSource implements DirectorySyncSource {
  readonly #config: OpenLdapSyncConfig;
  readonly #userFilter: Filter;
  readonly #groupFilter: Filter;
  readonly #upnSuffix: string;
  readonly #baselines = new SyncBaselines();
  readonly #queue = new RunQueue();

  constructor(config: OpenLdapSyncConfig) {
    this.#config = config;
    this.#userFilter = parseScopeFilter(config.userFilter ?? OPENLDAP_DEFAULT_USER_FILTER, 'user');
    this.#groupFilter = parseScopeFilter(config.groupFilter ?? OPENLDAP_DEFAULT_GROUP_FILTER, 'group');
    const suffix = config.upnSuffix ?? dnsDomainOf(config.baseDn);
    if (!suffix) {
      throw new DirectoryError(
        ResultCode.ConfigurationError,
        'the sync base DN has no dc= components to make user principal names from: configure a UPN suffix',
      );
    }
    this.#upnSuffix = suffix;
  }

  /** Runs one at a time (a delta asked for during a full run starts after it). */
  full(): Promise<SyncSnapshot> {
    return this.#queue.run(() => this.#full());
  }

  /** Throws FullSyncRequiredError for a watermark this instance did not return (after a restart, or too old). */
  changesSince(watermark: string): Promise<SyncSnapshot> {
    return this.#queue.run(() => this.#changesSince(watermark));
  }

  async #full(): Promise<SyncSnapshot> {
    return withSyncConnection(this.#config, async (connection) => {
      const reads = new RunReads();
      let latest = await this.#readUsers(connection, this.#userFilter, reads);
      latest = maxDate(latest, await this.#readGroups(connection, this.#groupFilter, reads));
      const builder = new SnapshotBuilder(this.#config.onIssue);
      builder.report(reads.anchorless);
      for (const read of reads.values()) builder.read(read);
      const watermark = formatWatermark({ position: formatGeneralizedTime(latest ?? EPOCH), run: newRunId() });
      this.#baselines.reset(watermark, builder.baseline);
      return builder.snapshot(watermark);
    });
  }

  async #changesSince(watermark: string): Promise<SyncSnapshot> {
    const baseline = this.#baselines.get(watermark);
    const since = parseGeneralizedTime(parseWatermark(watermark).position);
    if (!baseline || !since) throw new FullSyncRequiredError();
    return withSyncConnection(this.#config, async (connection) => {
      const reads = new RunReads();
      const changed = new GreaterThanEqualsFilter({
        attribute: 'modifyTimestamp',
        value: formatGeneralizedTime(since),
      });
      let latest = await this.#readUsers(connection, new AndFilter({ filters: [this.#userFilter, changed] }), reads);
      latest = maxDate(
        latest,
        await this.#readGroups(connection, new AndFilter({ filters: [this.#groupFilter, changed] }), reads),
      );

      const listed = await this.#list(connection);
      const missed = { user: [] as string[], group: [] as string[] };
      for (const [anchor, { objectType, version }] of listed) {
        const previous = baseline.get(anchor);
        if (!reads.has(anchor) && (!previous || previous.version !== version)) missed[objectType].push(anchor);
      }
      for (const anchors of chunks(missed.user, ANCHOR_CHUNK)) {
        const filter = new AndFilter({ filters: [this.#userFilter, anchorFilter(anchors)] });
        latest = maxDate(latest, await this.#readUsers(connection, filter, reads));
      }
      for (const anchors of chunks(missed.group, ANCHOR_CHUNK)) {
        const filter = new AndFilter({ filters: [this.#groupFilter, anchorFilter(anchors)] });
        latest = maxDate(latest, await this.#readGroups(connection, filter, reads));
      }

      const builder = new SnapshotBuilder(this.#config.onIssue);
      builder.report(reads.anchorless);
      // The listing is the truth about what is in scope now: read entries it no longer has are gone, not sent.
      for (const anchor of listed.keys()) {
        const read = reads.get(anchor);
        const previous = baseline.get(anchor);
        if (read) builder.read(read, previous);
        else if (previous) builder.unchanged(anchor, previous);
      }
      const position = formatGeneralizedTime(maxDate(since, latest) ?? since);
      const next = formatWatermark({ position, run: newRunId() });
      this.#baselines.advance(watermark, next, builder.baseline);
      return builder.snapshot(
        next,
        goneSince(baseline, (anchor) => listed.has(anchor)),
      );
    });
  }

  /** Reads users matching `filter` into `reads`; returns the latest modifyTimestamp among them. */
  async #readUsers(connection: SyncConnection, filter: Filter, reads: RunReads): Promise<Date | undefined> {
    let latest: Date | undefined;
    for await (const page of connection.pages(this.#config.baseDn, { filter, attributes: USER_ATTRIBUTES })) {
      for (const entry of page) {
        reads.add(this.#toUser(entry));
        latest = maxDate(latest, modifiedAt(entry));
      }
    }
    return latest;
  }

  async #readGroups(connection: SyncConnection, filter: Filter, reads: RunReads): Promise<Date | undefined> {
    let latest: Date | undefined;
    for await (const page of connection.pages(this.#config.baseDn, { filter, attributes: GROUP_ATTRIBUTES })) {
      for (const entry of page) {
        reads.add(toGroup(entry));
        latest = maxDate(latest, modifiedAt(entry));
      }
    }
    return latest;
  }

  /** Every anchor in scope with its version: entryUUID and entryCSN only, paged. */
  async #list(connection: SyncConnection): Promise<Map<string, { objectType: 'user' | 'group'; version?: string }>> {
    const listed = new Map<string, { objectType: 'user' | 'group'; version?: string }>();
    for (const [objectType, filter] of [
      ['user', this.#userFilter],
      ['group', this.#groupFilter],
    ] as const) {
      for await (const page of connection.pages(this.#config.baseDn, { filter, attributes: VERSION_ATTRIBUTES })) {
        for (const entry of page) {
          const anchor = firstString(entry, 'entryUUID')?.toLowerCase();
          if (anchor && !listed.has(anchor)) listed.set(anchor, { objectType, version: versionOf(entry) });
        }
      }
    }
    return listed;
  }

  #toUser(entry: Entry): ReadObject {
    const built = buildSyncedUser({
      anchor: firstString(entry, 'entryUUID')?.toLowerCase(),
      dn: entry.dn,
      userPrincipalName: openLdapUpn(entry.dn, allStrings(entry, 'uid'), this.#upnSuffix),
      displayName: firstString(entry, 'displayName') || firstString(entry, 'cn'),
      enabled: firstString(entry, 'pwdAccountLockedTime') !== PERMANENTLY_LOCKED,
      mail: firstString(entry, 'mail'),
      mobile: firstString(entry, 'mobile'),
      telephoneNumber: firstString(entry, 'telephoneNumber'),
    });
    return { objectType: 'user', built, version: versionOf(entry) };
  }
}

function toGroup(entry: Entry): ReadObject {
  const members = [
    ...allStrings(entry, 'member'),
    ...allStrings(entry, 'uniqueMember').map((value) => value.replace(OPTIONAL_UID, '')),
  ];
  const built = buildSyncedGroup({
    anchor: firstString(entry, 'entryUUID')?.toLowerCase(),
    dn: entry.dn,
    name: firstString(entry, 'cn'),
    memberDns: members,
  });
  return { objectType: 'group', built, version: versionOf(entry) };
}

function versionOf(entry: Entry): string | undefined {
  return firstString(entry, 'entryCSN') ?? firstString(entry, 'modifyTimestamp');
}

function modifiedAt(entry: Entry): Date | undefined {
  const text = firstString(entry, 'modifyTimestamp');
  return text === undefined ? undefined : parseGeneralizedTime(text);
}

function maxDate(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function anchorFilter(anchors: string[]): Filter {
  return new OrFilter({
    filters: anchors.map((anchor) => new EqualityFilter({ attribute: 'entryUUID', value: anchor })),
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

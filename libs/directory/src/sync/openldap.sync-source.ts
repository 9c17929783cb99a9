import { ResultCode } from '@sspr/contracts';
import { EqualityFilter, FilterParser, GreaterThanEqualsFilter, OrFilter, type Entry, type Filter } from 'ldapts';
import type { DirectorySyncSource, SyncScope, SyncSnapshot } from '../directory.adapter';
import { DirectoryError } from '../directory.error';
import { dnsDomainOf, leadingRdnValue } from './dn';
import { formatGeneralizedTime, parseGeneralizedTime } from './generalized-time';
import { FullSyncRequiredError, formatWatermark, newRunId, parseWatermark, SyncBaselines } from './sync-baseline';
import {
  readAll,
  readChanged,
  listAnchors,
  readMissed,
  reconcile,
  sendAll,
  type DirectoryDialect,
} from './directory-reader';
import { allStrings, firstString, withSyncConnection, type SyncConnectionConfig } from './sync-connection';
import { RunQueue, SnapshotBuilder, type ReadObject, type SyncSourceOptions } from './sync-run';
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
const EPOCH = new Date(0);

/** uniqueMember is nameAndOptionalUID: a DN, optionally followed by #'0101'B. */
const OPTIONAL_UID = /#'[01]*'B$/;

/** True when every `(` is closed in order: ldapts' parser closes an unbalanced filter silently. */
function balanced(text: string): boolean {
  let depth = 0;
  // A literal parenthesis in a value is written \28 / \29 (RFC 4515): every raw one is structure.
  for (const char of text) {
    if (char === '(') depth++;
    else if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** A configured scope filter (RFC 4515) as a Filter object; a ConfigurationError when it does not parse. */
export function parseScopeFilter(text: string, what: string): Filter {
  const invalid = new DirectoryError(
    ResultCode.ConfigurationError,
    `the sync ${what} filter is not a valid LDAP filter`,
  );
  if (!balanced(text)) throw invalid;
  try {
    return FilterParser.parseString(text);
  } catch {
    throw invalid;
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
  readonly #dialect: DirectoryDialect;
  readonly #baselines = new SyncBaselines();
  readonly #queue = new RunQueue();

  constructor(config: OpenLdapSyncConfig) {
    this.#config = config;
    const suffix = config.upnSuffix ?? dnsDomainOf(config.baseDn);
    if (!suffix) {
      throw new DirectoryError(
        ResultCode.ConfigurationError,
        'the sync base DN has no dc= components to make user principal names from: configure a UPN suffix',
      );
    }
    this.#dialect = openLdapDialect(config, suffix);
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
      const latest = new LatestModification();
      const reads = await readAll(connection, this.#dialect, latest.see);
      const builder = new SnapshotBuilder(this.#config.onIssue);
      sendAll(builder, reads);
      const watermark = formatWatermark({ position: formatGeneralizedTime(latest.after(EPOCH)), run: newRunId() });
      this.#baselines.reset(watermark, builder.baseline);
      return builder.snapshot(watermark);
    });
  }

  async #changesSince(watermark: string): Promise<SyncSnapshot> {
    const baseline = this.#baselines.get(watermark);
    const since = parseGeneralizedTime(parseWatermark(watermark).position);
    if (!baseline || !since) throw new FullSyncRequiredError();
    return withSyncConnection(this.#config, async (connection) => {
      const latest = new LatestModification();
      const changed = new GreaterThanEqualsFilter({
        attribute: 'modifyTimestamp',
        value: formatGeneralizedTime(since),
      });
      const reads = await readChanged(connection, this.#dialect, changed, latest.see);
      const listed = await listAnchors(connection, this.#dialect);
      await readMissed(connection, this.#dialect, listed, baseline, reads, latest.see);

      const builder = new SnapshotBuilder(this.#config.onIssue);
      const gone = reconcile(builder, baseline, listed, reads);
      const next = formatWatermark({ position: formatGeneralizedTime(latest.after(since)), run: newRunId() });
      this.#baselines.advance(watermark, next, builder.baseline);
      return builder.snapshot(next, gone);
    });
  }
}

function openLdapDialect(scope: SyncScope, upnSuffix: string): DirectoryDialect {
  return {
    baseDn: scope.baseDn,
    userFilter: parseScopeFilter(scope.userFilter ?? OPENLDAP_DEFAULT_USER_FILTER, 'user'),
    groupFilter: parseScopeFilter(scope.groupFilter ?? OPENLDAP_DEFAULT_GROUP_FILTER, 'group'),
    userAttributes: USER_ATTRIBUTES,
    groupAttributes: GROUP_ATTRIBUTES,
    listingAttributes: VERSION_ATTRIBUTES,
    binaryAttributes: [],
    anchorOf: (entry) => firstString(entry, 'entryUUID')?.toLowerCase(),
    versionOf,
    anchorFilter: (anchors) =>
      new OrFilter({ filters: anchors.map((anchor) => new EqualityFilter({ attribute: 'entryUUID', value: anchor })) }),
    toUser: (entry) => toUser(entry, upnSuffix),
    toGroup,
  };
}

function toUser(entry: Entry, upnSuffix: string): ReadObject {
  const built = buildSyncedUser({
    anchor: firstString(entry, 'entryUUID')?.toLowerCase(),
    dn: entry.dn,
    userPrincipalName: openLdapUpn(entry.dn, allStrings(entry, 'uid'), upnSuffix),
    displayName: firstString(entry, 'displayName') || firstString(entry, 'cn'),
    enabled: firstString(entry, 'pwdAccountLockedTime') !== PERMANENTLY_LOCKED,
    mail: firstString(entry, 'mail'),
    mobile: firstString(entry, 'mobile'),
    telephoneNumber: firstString(entry, 'telephoneNumber'),
  });
  return { objectType: 'user', built, version: versionOf(entry) };
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

/** modifyTimestamp only when entryCSN cannot be read: a second's resolution, the boundary search covers the rest. */
function versionOf(entry: Entry): string | undefined {
  return firstString(entry, 'entryCSN') ?? firstString(entry, 'modifyTimestamp');
}

/** The highest modifyTimestamp among the entries a run read: where the next delta's search starts. */
class LatestModification {
  #latest = Number.NEGATIVE_INFINITY;

  readonly see = (entry: Entry): void => {
    const text = firstString(entry, 'modifyTimestamp');
    const time = text === undefined ? undefined : parseGeneralizedTime(text)?.getTime();
    if (time !== undefined && time > this.#latest) this.#latest = time;
  };

  /** The latest seen, never earlier than `floor` (the previous watermark): a watermark never moves back. */
  after(floor: Date): Date {
    return new Date(Math.max(this.#latest, floor.getTime()));
  }
}

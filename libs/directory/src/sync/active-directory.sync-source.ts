import { ResultCode } from '@sspr/contracts';
import { AndFilter, EqualityFilter, GreaterThanEqualsFilter, OrFilter, type Entry } from 'ldapts';
import type { DirectorySyncSource, SyncScope, SyncSnapshot } from '../directory.adapter';
import { DirectoryError } from '../directory.error';
import { objectGuidFromString, objectGuidToString } from '../object-guid';
import { dnsDomainOf } from './dn';
import {
  listAnchors,
  readAll,
  readChanged,
  readMissed,
  reconcile,
  sendAll,
  type DirectoryDialect,
} from './directory-reader';
import { parseScopeFilter } from './openldap.sync-source';
import { ShowDeletedControl } from './show-deleted.control';
import { FullSyncRequiredError, formatWatermark, newRunId, parseWatermark, SyncBaselines } from './sync-baseline';
import {
  allStrings,
  firstBuffer,
  firstString,
  withSyncConnection,
  type SyncConnection,
  type SyncConnectionConfig,
} from './sync-connection';
import { RunQueue, SnapshotBuilder, type ReadObject, type SyncSourceOptions } from './sync-run';
import { buildSyncedGroup, buildSyncedUser, SYNC_LIMITS } from './synced-object';

/**
 * How a delta finds deletions.
 * - `reconcile` (default): lists every anchor in scope (objectGUID and uSNChanged, paged) and reports the ones gone
 *   since the baseline. Needs only read access, and also catches objects moved out of the base DN or no longer
 *   matching the filter; costs one paged listing per delta.
 * - `tombstones`: searches CN=Deleted Objects with the Show Deleted control for objects deleted since the watermark.
 *   Cheaper for a large domain, but the service account needs List Contents and Read Property on that container
 *   (by default only administrators have them: without, deletions are silently not seen), and an object moved out
 *   of scope is noticed only by the next full run.
 */
export type AdDeletionDetection = 'reconcile' | 'tombstones';

export interface ActiveDirectorySyncConfig extends SyncConnectionConfig, SyncScope, SyncSourceOptions {
  deletions?: AdDeletionDetection;
  /** Values of `member` asked for per request (ranged retrieval); default 1500, Windows' MaxValRange. */
  memberRangeSize?: number;
}

/** People, without the domain's critical system accounts (Administrator, Guest, krbtgt), as Entra Connect does. */
export const AD_DEFAULT_USER_FILTER = '(&(objectCategory=person)(objectClass=user)(!(isCriticalSystemObject=TRUE)))';
export const AD_DEFAULT_GROUP_FILTER = '(objectClass=group)';

/** userAccountControl ACCOUNTDISABLE. */
const UF_ACCOUNTDISABLE = 0x2;
const DEFAULT_MEMBER_RANGE = 1500;
const VERSION_ATTRIBUTES = ['objectGUID', 'uSNChanged'];
const USER_ATTRIBUTES = [
  ...VERSION_ATTRIBUTES,
  'userPrincipalName',
  'sAMAccountName',
  'displayName',
  'cn',
  'userAccountControl',
  'mail',
  'mobile',
  'telephoneNumber',
];
const MEMBER_RANGE = /^member;range=(\d+)-(\d+|\*)$/i;
const USN = /^\d+$/;

/** AD's UPN, or sAMAccountName@suffix for an account without one (created before Windows 2000 tools set it). */
export function activeDirectoryUpn(
  userPrincipalName: string | undefined,
  sAMAccountName: string | undefined,
  suffix: string | undefined,
): string | undefined {
  if (userPrincipalName) return userPrincipalName;
  return sAMAccountName && suffix ? `${sAMAccountName}@${suffix}` : undefined;
}

/** The member values an entry carries: plain `member`, or the `member;range=low-high` a DC answers a ranged request with. */
export function memberRange(entry: Entry): { values: string[]; next: number | undefined } | undefined {
  for (const key of Object.keys(entry)) {
    const range = MEMBER_RANGE.exec(key);
    const values = allStrings(entry, key);
    // ldapts lists every requested attribute, with no value when the server did not return it.
    if (!range || values.length === 0) continue;
    return { values, next: range[2] === '*' ? undefined : Number(range[2]) + 1 };
  }
  const plain = allStrings(entry, 'member');
  return plain.length > 0 ? { values: plain, next: undefined } : undefined;
}

interface RootDse {
  highestCommittedUsn: string;
  namingContext: string;
  /** The DC's NTDS Settings object: USNs are this DC's own counter. */
  server: string;
}

/**
 * Reads users and groups from Active Directory (or a Samba AD DC) for the agent's directory sync (SPEC §5.2).
 *
 * Deltas by USN (MS-ADTS "polling for changes using uSNChanged"): highestCommittedUSN is read from the rootDSE before
 * the searches and becomes the next watermark; a delta reads `uSNChanged >= watermark + 1`. Objects changed while a
 * run reads are read again by the next one (re-sent only if what the cloud would receive changed). USNs belong to
 * one DC: a delta against another DC than the baseline's asks for a full run. Deletions: see AdDeletionDetection.
 */
export class ActiveDirectorySyncSource implements DirectorySyncSource {
  readonly #config: ActiveDirectorySyncConfig;
  readonly #deletions: AdDeletionDetection;
  readonly #memberRange: number;
  readonly #baselines = new SyncBaselines();
  readonly #queue = new RunQueue();

  constructor(config: ActiveDirectorySyncConfig) {
    if (config.url.toLowerCase().startsWith('ldap:') && !config.startTls) {
      throw new DirectoryError(
        ResultCode.ConfigurationError,
        'Active Directory takes the service account’s password only over TLS: use ldaps:// or StartTLS',
      );
    }
    this.#config = config;
    this.#deletions = config.deletions ?? 'reconcile';
    this.#memberRange = config.memberRangeSize ?? DEFAULT_MEMBER_RANGE;
    if (!Number.isInteger(this.#memberRange) || this.#memberRange < 1) {
      throw new DirectoryError(ResultCode.ConfigurationError, 'the member range size must be a positive integer');
    }
    // Parsed now so that a bad filter is a configuration error at start-up, not at the first run.
    this.#dialect(undefined);
  }

  /** Runs one at a time (a delta asked for during a full run starts after it). */
  full(): Promise<SyncSnapshot> {
    return this.#queue.run(() => this.#full());
  }

  /** Throws FullSyncRequiredError for a watermark this instance did not return, or one of another DC. */
  changesSince(watermark: string): Promise<SyncSnapshot> {
    return this.#queue.run(() => this.#changesSince(watermark));
  }

  async #full(): Promise<SyncSnapshot> {
    return withSyncConnection(this.#config, async (connection) => {
      const root = await readRootDse(connection);
      const dialect = this.#dialect(root.namingContext);
      const reads = await readAll(connection, dialect);
      const builder = new SnapshotBuilder(this.#config.onIssue);
      sendAll(builder, reads);
      const watermark = formatWatermark({ position: root.highestCommittedUsn, run: newRunId() });
      this.#baselines.reset(watermark, builder.baseline, root.server);
      return builder.snapshot(watermark);
    });
  }

  async #changesSince(watermark: string): Promise<SyncSnapshot> {
    const { position } = parseWatermark(watermark);
    const baseline = this.#baselines.get(watermark);
    if (!baseline || !USN.test(position)) throw new FullSyncRequiredError();
    const since = BigInt(position);
    return withSyncConnection(this.#config, async (connection) => {
      // Before the searches: whatever is written while they run has a higher USN and is read again next time.
      const root = await readRootDse(connection);
      if (root.server.toLowerCase() !== this.#baselines.originOf(watermark)?.toLowerCase()) {
        throw new FullSyncRequiredError();
      }
      const dialect = this.#dialect(root.namingContext);
      const changed = new GreaterThanEqualsFilter({ attribute: 'uSNChanged', value: String(since + 1n) });
      const reads = await readChanged(connection, dialect, changed);
      const builder = new SnapshotBuilder(this.#config.onIssue);
      let gone: string[];
      if (this.#deletions === 'reconcile') {
        const listed = await listAnchors(connection, dialect);
        await readMissed(connection, dialect, listed, baseline, reads);
        gone = reconcile(builder, baseline, listed, reads);
      } else {
        const deleted = await readTombstones(connection, root.namingContext, since);
        gone = [...baseline.keys()].filter((anchor) => deleted.has(anchor));
        builder.report(reads.anchorless);
        for (const read of reads.values()) {
          if (!deleted.has(read.built.anchor)) builder.read(read, baseline.get(read.built.anchor));
        }
        for (const [anchor, previous] of baseline) {
          if (!reads.has(anchor) && !deleted.has(anchor)) builder.unchanged(anchor, previous);
        }
      }
      const position = BigInt(root.highestCommittedUsn) > since ? root.highestCommittedUsn : String(since);
      const next = formatWatermark({ position, run: newRunId() });
      this.#baselines.advance(watermark, next, builder.baseline, root.server);
      return builder.snapshot(next, gone);
    });
  }

  /** `namingContext` gives the default UPN suffix (sAMAccountName@dns.domain) when the scope sets none. */
  #dialect(namingContext: string | undefined): DirectoryDialect {
    const { baseDn } = this.#config;
    const upnSuffix = this.#config.upnSuffix ?? dnsDomainOf(namingContext ?? baseDn);
    const memberRange = this.#memberRange;
    return {
      baseDn,
      userFilter: parseScopeFilter(this.#config.userFilter ?? AD_DEFAULT_USER_FILTER, 'user'),
      groupFilter: parseScopeFilter(this.#config.groupFilter ?? AD_DEFAULT_GROUP_FILTER, 'group'),
      userAttributes: USER_ATTRIBUTES,
      groupAttributes: [...VERSION_ATTRIBUTES, 'cn', 'sAMAccountName', `member;range=0-${memberRange - 1}`],
      listingAttributes: VERSION_ATTRIBUTES,
      binaryAttributes: ['objectGUID'],
      anchorOf,
      versionOf: (entry) => firstString(entry, 'uSNChanged'),
      anchorFilter: (anchors) =>
        new OrFilter({
          filters: anchors.map(
            (anchor) => new EqualityFilter({ attribute: 'objectGUID', value: objectGuidFromString(anchor) }),
          ),
        }),
      toUser: (entry) => toUser(entry, upnSuffix),
      toGroup: (entry, connection) => toGroup(entry, connection, memberRange),
    };
  }
}

function anchorOf(entry: Entry): string | undefined {
  const bytes = firstBuffer(entry, 'objectGUID');
  return bytes?.length === 16 ? objectGuidToString(bytes) : undefined;
}

function toUser(entry: Entry, upnSuffix: string | undefined): ReadObject {
  const control = Number(firstString(entry, 'userAccountControl') ?? '0');
  const built = buildSyncedUser({
    anchor: anchorOf(entry),
    dn: entry.dn,
    userPrincipalName: activeDirectoryUpn(
      firstString(entry, 'userPrincipalName'),
      firstString(entry, 'sAMAccountName'),
      upnSuffix,
    ),
    displayName: firstString(entry, 'displayName') || firstString(entry, 'cn'),
    enabled: (control & UF_ACCOUNTDISABLE) === 0,
    mail: firstString(entry, 'mail'),
    mobile: firstString(entry, 'mobile'),
    telephoneNumber: firstString(entry, 'telephoneNumber'),
  });
  return { objectType: 'user', built, version: firstString(entry, 'uSNChanged') };
}

async function toGroup(entry: Entry, connection: SyncConnection, rangeSize: number): Promise<ReadObject> {
  const anchor = anchorOf(entry);
  const members = anchor ? await readMembers(entry, anchor, connection, rangeSize) : [];
  const built = buildSyncedGroup({
    anchor,
    dn: entry.dn,
    name: firstString(entry, 'cn') || firstString(entry, 'sAMAccountName'),
    memberDns: members,
  });
  return { objectType: 'group', built, version: firstString(entry, 'uSNChanged') };
}

/**
 * Every member of a group: a DC returns at most MaxValRange values of `member` at a time, as
 * `member;range=0-1499`; the rest is asked for range by range (by GUID, so that a rename meanwhile does not lose
 * the group) until a range ends with `*`. Stops past the contract's limit: such a group is skipped anyway.
 */
async function readMembers(
  entry: Entry,
  anchor: string,
  connection: SyncConnection,
  rangeSize: number,
): Promise<string[]> {
  let range = memberRange(entry);
  const members = [...(range?.values ?? [])];
  while (range?.next !== undefined && members.length <= SYNC_LIMITS.members) {
    const low = range.next;
    const next = await connection.read(`<GUID=${anchor}>`, [`member;range=${low}-${low + rangeSize - 1}`]);
    range = next ? memberRange(next) : undefined;
    members.push(...(range?.values ?? []));
    // A server that answers the same range again would never finish.
    if (range?.next !== undefined && range.next <= low) break;
  }
  return members;
}

async function readRootDse(connection: SyncConnection): Promise<RootDse> {
  const root = await connection.read('', ['highestCommittedUSN', 'defaultNamingContext', 'dsServiceName']);
  const highestCommittedUsn = root ? firstString(root, 'highestCommittedUSN') : undefined;
  const namingContext = root ? firstString(root, 'defaultNamingContext') : undefined;
  const server = root ? firstString(root, 'dsServiceName') : undefined;
  if (!highestCommittedUsn || !USN.test(highestCommittedUsn) || !namingContext || !server) {
    throw new DirectoryError(
      ResultCode.ConfigurationError,
      'the directory’s rootDSE has no highestCommittedUSN, defaultNamingContext or dsServiceName: is it Active Directory?',
    );
  }
  return { highestCommittedUsn, namingContext, server };
}

/**
 * objectGUIDs of users and groups deleted since `since`, from CN=Deleted Objects (Show Deleted control). An account
 * without rights on the container finds it empty (Samba) or not at all (Windows): that is an error, not "nothing
 * was deleted".
 */
async function readTombstones(connection: SyncConnection, namingContext: string, since: bigint): Promise<Set<string>> {
  const container = `CN=Deleted Objects,${namingContext}`;
  const controls = [new ShowDeletedControl()];
  const self = await connection.read(container, ['objectGUID'], { explicitBufferAttributes: ['objectGUID'], controls });
  if (!self || !anchorOf(self)) {
    throw new DirectoryError(
      ResultCode.NotPermitted,
      'the service account cannot read CN=Deleted Objects, so deletions cannot be seen: grant it List Contents and ' +
        'Read Property there, or detect deletions by reconciliation',
    );
  }
  const deleted = new Set<string>();
  const filter = new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'isDeleted', value: 'TRUE' }),
      new GreaterThanEqualsFilter({ attribute: 'uSNChanged', value: String(since + 1n) }),
      new OrFilter({
        filters: [
          new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
          new EqualityFilter({ attribute: 'objectClass', value: 'group' }),
        ],
      }),
    ],
  });
  const pages = connection.pages(container, {
    scope: 'one',
    filter,
    attributes: ['objectGUID'],
    explicitBufferAttributes: ['objectGUID'],
    controls,
  });
  for await (const page of pages) {
    for (const entry of page) {
      const anchor = anchorOf(entry);
      if (anchor) deleted.add(anchor);
    }
  }
  return deleted;
}

import { createHash } from 'node:crypto';
import { SYNC_GROUP_MEMBERS_MAX, type SyncedGroup, type SyncedUser } from '@sspr/contracts';

/** The length limits of SyncedUser / SyncedGroup (libs/contracts payloads.ts); the spec checks they still agree. */
export const SYNC_LIMITS = {
  anchor: 64,
  dn: 2048,
  userPrincipalName: 256,
  displayName: 256,
  mail: 256,
  mobile: 64,
  telephoneNumber: 64,
  groupName: 256,
  memberDn: 2048,
  members: SYNC_GROUP_MEMBERS_MAX,
} as const;

export type SyncObjectType = 'user' | 'group';

/**
 * Something the sync could not pass on as the directory holds it. `skipped`: the object is left out of the run
 * (an identifier over its limit or missing; a group with more members than a message may carry); `dropped`: one
 * value is left out (a contact attribute or member DN over its limit); `truncated`: a display value is cut to its
 * limit. Reported once per change of the object, not on every delta.
 */
export interface SyncIssue {
  action: 'skipped' | 'dropped' | 'truncated';
  objectType: SyncObjectType;
  /** Empty when the entry has no readable anchor. */
  anchor: string;
  dn: string;
  attribute?: string;
  reason: string;
}

/** The values read from the directory, before the limits are applied. */
export interface UserValues {
  anchor: string | undefined;
  dn: string;
  userPrincipalName: string | undefined;
  displayName: string | undefined;
  enabled: boolean;
  mail?: string;
  mobile?: string;
  telephoneNumber?: string;
}

export interface GroupValues {
  anchor: string | undefined;
  dn: string;
  name: string | undefined;
  memberDns: string[];
}

/** What one entry became: the object to send (unless skipped), the issues found, and a digest of both. */
export interface BuiltObject<T> {
  objectType: SyncObjectType;
  anchor: string;
  object: T | undefined;
  issues: SyncIssue[];
  /** Changes exactly when what the cloud would receive (or the reason it receives nothing) changes. */
  digest: string;
}

/** Length as class-validator's MaxLength counts it: code points (a surrogate pair is one). */
function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function clip(value: string, limit: number): string {
  return Array.from(value).slice(0, limit).join('');
}

function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64');
}

function built<T>(
  objectType: SyncObjectType,
  anchor: string,
  object: T | undefined,
  issues: SyncIssue[],
): BuiltObject<T> {
  const digest = digestOf(object ?? { skipped: issues.map((issue) => issue.reason) });
  return { objectType, anchor, object, issues, digest };
}

function skipped<T>(
  objectType: SyncObjectType,
  anchor: string,
  dn: string,
  reason: string,
  attribute?: string,
): BuiltObject<T> {
  return built<T>(objectType, anchor, undefined, [{ action: 'skipped', objectType, anchor, dn, attribute, reason }]);
}

/** Identifiers common to users and groups: a missing or oversized anchor or DN skips the object. */
function identifierProblem(anchor: string | undefined, dn: string): { reason: string; attribute: string } | undefined {
  if (!anchor) return { attribute: 'anchor', reason: 'the entry has no readable immutable id' };
  if (codePoints(anchor) > SYNC_LIMITS.anchor) {
    return { attribute: 'anchor', reason: `the immutable id is longer than ${SYNC_LIMITS.anchor} characters` };
  }
  if (dn === '') return { attribute: 'dn', reason: 'the entry has no DN' };
  if (codePoints(dn) > SYNC_LIMITS.dn) {
    return { attribute: 'dn', reason: `the DN is longer than ${SYNC_LIMITS.dn} characters` };
  }
  return undefined;
}

/** A SyncedUser within the contract's limits, or the reason it is skipped. */
export function buildSyncedUser(values: UserValues): BuiltObject<SyncedUser> {
  const { dn } = values;
  const anchor = values.anchor ?? '';
  const problem = identifierProblem(values.anchor, dn);
  if (problem) return skipped('user', anchor, dn, problem.reason, problem.attribute);
  const upn = values.userPrincipalName ?? '';
  if (upn === '') return skipped('user', anchor, dn, 'the user has no user principal name', 'userPrincipalName');
  if (codePoints(upn) > SYNC_LIMITS.userPrincipalName) {
    return skipped(
      'user',
      anchor,
      dn,
      `the user principal name is longer than ${SYNC_LIMITS.userPrincipalName} characters`,
      'userPrincipalName',
    );
  }

  const issues: SyncIssue[] = [];
  let displayName = values.displayName ?? '';
  if (codePoints(displayName) > SYNC_LIMITS.displayName) {
    displayName = clip(displayName, SYNC_LIMITS.displayName);
    issues.push({
      action: 'truncated',
      objectType: 'user',
      anchor,
      dn,
      attribute: 'displayName',
      reason: `the display name is longer than ${SYNC_LIMITS.displayName} characters`,
    });
  }
  const user: SyncedUser = { anchor, dn, userPrincipalName: upn, displayName, enabled: values.enabled };
  // A contact value cut short would send codes to someone else's address or number: leave it out instead.
  for (const attribute of ['mail', 'mobile', 'telephoneNumber'] as const) {
    const value = values[attribute];
    if (value === undefined || value === '') continue;
    if (codePoints(value) > SYNC_LIMITS[attribute]) {
      issues.push({
        action: 'dropped',
        objectType: 'user',
        anchor,
        dn,
        attribute,
        reason: `the value is longer than ${SYNC_LIMITS[attribute]} characters`,
      });
      continue;
    }
    user[attribute] = value;
  }
  return built('user', anchor, user, issues);
}

/**
 * A SyncedGroup within the contract's limits, or the reason it is skipped. Member DNs are sorted (the directory's
 * order carries no meaning) so that the same membership always has the same digest.
 */
export function buildSyncedGroup(values: GroupValues): BuiltObject<SyncedGroup> {
  const { dn } = values;
  const anchor = values.anchor ?? '';
  const problem = identifierProblem(values.anchor, dn);
  if (problem) return skipped('group', anchor, dn, problem.reason, problem.attribute);

  const issues: SyncIssue[] = [];
  let name = values.name ?? '';
  if (codePoints(name) > SYNC_LIMITS.groupName) {
    name = clip(name, SYNC_LIMITS.groupName);
    issues.push({
      action: 'truncated',
      objectType: 'group',
      anchor,
      dn,
      attribute: 'name',
      reason: `the group name is longer than ${SYNC_LIMITS.groupName} characters`,
    });
  }
  const unique = [...new Set(values.memberDns.filter((member) => member !== ''))];
  const memberDns = unique.filter((member) => codePoints(member) <= SYNC_LIMITS.memberDn).sort();
  if (memberDns.length < unique.length) {
    issues.push({
      action: 'dropped',
      objectType: 'group',
      anchor,
      dn,
      attribute: 'member',
      reason: `${unique.length - memberDns.length} member DN(s) longer than ${SYNC_LIMITS.memberDn} characters`,
    });
  }
  // A partial member list would be read as "the others left the group": leave the whole group out instead.
  if (memberDns.length > SYNC_LIMITS.members) {
    return skipped('group', anchor, dn, `the group has more than ${SYNC_LIMITS.members} members`, 'member');
  }
  return built('group', anchor, { anchor, dn, name, memberDns }, issues);
}

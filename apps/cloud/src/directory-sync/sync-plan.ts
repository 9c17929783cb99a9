import type { SyncedGroup, SyncedUser } from '@sspr/contracts';
import { normalizeDn } from './distinguished-name';

/** A user as the directory says it should be, in the cloud's columns. */
export interface DesiredUser {
  anchor: string;
  dn: string;
  dnNormalized: string;
  userPrincipalName: string;
  displayName: string;
  enabled: boolean;
  mail: string | null;
  mobilePhone: string | null;
  officePhone: string | null;
}

/** A user row the batch may touch: found by one of its anchors, or holding one of its UPNs. */
export interface ExistingUser {
  id: string;
  source: 'synced' | 'cloud';
  anchor: string | null;
  dn: string | null;
  dnNormalized: string | null;
  userPrincipalName: string;
  displayName: string;
  enabled: boolean;
  mail: string | null;
  mobilePhone: string | null;
  officePhone: string | null;
  deleted: boolean;
}

export type ConflictReason =
  /** The UPN belongs to a cloud-only user. */
  | 'upn_of_cloud_user'
  /** The UPN belongs to another synced user (another anchor). */
  | 'upn_of_other_user'
  /** The batch names the same anchor or UPN twice. */
  | 'duplicate_in_batch';

export interface Conflict {
  anchor: string;
  reason: ConflictReason;
  /** The user already holding the UPN, if any (an id, never the UPN itself: it is personal data). */
  heldBy?: string;
}

export interface UserUpdate {
  id: string;
  desired: DesiredUser;
  /** Something writeback depends on changed (DN, anchor, source, enabled, deleted). */
  targetChanged: boolean;
}

export interface UserPlan {
  inserts: DesiredUser[];
  updates: UserUpdate[];
  /** Ids of users the batch mentions exactly as they are: only their last_synced_at moves. */
  unchanged: string[];
  conflicts: Conflict[];
}

export function desiredUser(u: SyncedUser): DesiredUser {
  return {
    anchor: u.anchor,
    dn: u.dn,
    dnNormalized: normalizeDn(u.dn),
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    enabled: u.enabled,
    mail: u.mail ?? null,
    mobilePhone: u.mobile ?? null,
    officePhone: u.telephoneNumber ?? null,
  };
}

function sameUser(e: ExistingUser, d: DesiredUser): boolean {
  return (
    !e.deleted &&
    e.source === 'synced' &&
    e.anchor === d.anchor &&
    e.dn === d.dn &&
    e.dnNormalized === d.dnNormalized &&
    e.userPrincipalName === d.userPrincipalName &&
    e.displayName === d.displayName &&
    e.enabled === d.enabled &&
    e.mail === d.mail &&
    e.mobilePhone === d.mobilePhone &&
    e.officePhone === d.officePhone
  );
}

function targetChanged(e: ExistingUser, d: DesiredUser): boolean {
  return e.deleted || e.source !== 'synced' || e.anchor !== d.anchor || e.dn !== d.dn || e.enabled !== d.enabled;
}

/**
 * Decides what one batch does to users, given the rows that hold its anchors or (live) its UPNs:
 * - a known anchor is updated only if something differs (and undeleted if it was deleted);
 * - an unknown anchor is inserted, unless its UPN is taken: by a synced user without an anchor (created by
 *   an admin before the sync) it is adopted; by a cloud-only user or another anchor it is a conflict,
 *   skipped and counted — the admin resolves it, or a later run does once the other side moved;
 * - a UPN that a known user of the batch gives up may go to a new user of the same batch (updates run
 *   before inserts), not to another known user (one UPDATE statement cannot swap unique values);
 * - the same anchor or UPN twice in one batch: the first wins.
 */
export function planUsers(incoming: readonly SyncedUser[], existing: readonly ExistingUser[]): UserPlan {
  const byAnchor = new Map(existing.filter((e) => e.anchor !== null).map((e) => [e.anchor, e]));
  const liveByUpn = new Map(existing.filter((e) => !e.deleted).map((e) => [e.userPrincipalName, e]));
  const released = new Set<string>();
  const plan: UserPlan = { inserts: [], updates: [], unchanged: [], conflicts: [] };
  const anchorsSeen = new Set<string>();
  const upnsClaimed = new Set<string>();

  const desired = incoming.map(desiredUser);
  const ordered = [...desired.filter((d) => byAnchor.has(d.anchor)), ...desired.filter((d) => !byAnchor.has(d.anchor))];
  for (const d of ordered) {
    const { anchor, userPrincipalName: upn } = d;
    if (anchorsSeen.has(anchor) || upnsClaimed.has(upn)) {
      plan.conflicts.push({ anchor, reason: 'duplicate_in_batch' });
      continue;
    }
    anchorsSeen.add(anchor);
    const known = byAnchor.get(anchor);
    const holder = liveByUpn.get(upn);
    const free = !holder || holder.id === known?.id || (!known && (released.has(upn) || adoptable(holder)));
    if (holder && !free) {
      plan.conflicts.push({
        anchor,
        reason: holder.source === 'cloud' ? 'upn_of_cloud_user' : 'upn_of_other_user',
        heldBy: holder.id,
      });
      continue;
    }
    upnsClaimed.add(upn);
    const target = known ?? (holder && !released.has(upn) ? holder : undefined);
    if (!target) {
      plan.inserts.push(d);
      continue;
    }
    if (sameUser(target, d)) {
      plan.unchanged.push(target.id);
      continue;
    }
    plan.updates.push({ id: target.id, desired: d, targetChanged: targetChanged(target, d) });
    if (!target.deleted && target.userPrincipalName !== upn) released.add(target.userPrincipalName);
  }
  return plan;
}

/** A synced user an admin created without an anchor: the first sync naming its UPN takes it over. */
function adoptable(user: ExistingUser): boolean {
  return user.source === 'synced' && user.anchor === null && !user.deleted;
}

export interface DesiredGroup {
  anchor: string;
  dn: string;
  dnNormalized: string;
  displayName: string;
  /** Normalized, each once. */
  memberDns: string[];
}

export interface ExistingGroup {
  id: string;
  anchor: string;
  dn: string | null;
  dnNormalized: string | null;
  displayName: string;
  deleted: boolean;
}

export interface GroupPlan {
  inserts: DesiredGroup[];
  /** Groups whose own fields changed (their members are compared by the database). */
  updates: { id: string; desired: DesiredGroup }[];
  /** Groups whose own fields are as they were, with what their members should be. */
  same: { id: string; desired: DesiredGroup }[];
  /** Anchors named twice in the batch (the first wins). */
  duplicates: string[];
}

export function desiredGroup(g: SyncedGroup): DesiredGroup {
  return {
    anchor: g.anchor,
    dn: g.dn,
    dnNormalized: normalizeDn(g.dn),
    displayName: g.name,
    memberDns: [...new Set(g.memberDns.map(normalizeDn))],
  };
}

export function planGroups(incoming: readonly SyncedGroup[], existing: readonly ExistingGroup[]): GroupPlan {
  const byAnchor = new Map(existing.map((e) => [e.anchor, e]));
  const plan: GroupPlan = { inserts: [], updates: [], same: [], duplicates: [] };
  const seen = new Set<string>();
  for (const desired of incoming.map(desiredGroup)) {
    if (seen.has(desired.anchor)) {
      plan.duplicates.push(desired.anchor);
      continue;
    }
    seen.add(desired.anchor);
    const known = byAnchor.get(desired.anchor);
    if (!known) plan.inserts.push(desired);
    else if (
      known.deleted ||
      known.dn !== desired.dn ||
      known.dnNormalized !== desired.dnNormalized ||
      known.displayName !== desired.displayName
    )
      plan.updates.push({ id: known.id, desired });
    else plan.same.push({ id: known.id, desired });
  }
  return plan;
}

/**
 * The anchors a batch deletes: those in `deletedAnchors` that the same batch does not also send as
 * present (then presence wins: the batch is a snapshot taken after the deletion).
 */
export function anchorsToDelete(
  deletedAnchors: readonly string[],
  users: readonly SyncedUser[],
  groups: readonly SyncedGroup[],
): string[] {
  const present = new Set([...users.map((u) => u.anchor), ...groups.map((g) => g.anchor)]);
  return [...new Set(deletedAnchors)].filter((a) => !present.has(a));
}

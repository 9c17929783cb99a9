import { SYNC_BATCH_MAX, SYNC_GROUP_MEMBERS_MAX, type SyncedGroup, type SyncedUser } from '@sspr/contracts';
import type { SyncSnapshot } from '@sspr/directory';

export interface SyncBatch {
  users: SyncedUser[];
  groups: SyncedGroup[];
  deletedAnchors: string[];
}

export interface Batched {
  batches: SyncBatch[];
  /** Groups left out because their member list is larger than one message may carry. */
  oversizedGroups: SyncedGroup[];
}

/**
 * Cuts a snapshot into messages of at most `max` objects (users, groups and deletions together), in that
 * order. A full run always yields at least one (possibly empty) batch: its arrival is what lets the cloud
 * reconcile deletions. A delta with nothing in it yields none.
 */
export function toBatches(snapshot: SyncSnapshot, full: boolean, max = SYNC_BATCH_MAX): Batched {
  const oversizedGroups = snapshot.groups.filter((g) => g.memberDns.length > SYNC_GROUP_MEMBERS_MAX);
  const groups = snapshot.groups.filter((g) => g.memberDns.length <= SYNC_GROUP_MEMBERS_MAX);
  const items: ({ users: SyncedUser } | { groups: SyncedGroup } | { deletedAnchors: string })[] = [
    ...snapshot.users.map((users) => ({ users })),
    ...groups.map((groups) => ({ groups })),
    ...snapshot.deletedAnchors.map((deletedAnchors) => ({ deletedAnchors })),
  ];
  const batches: SyncBatch[] = [];
  for (let start = 0; start < items.length; start += max) {
    const batch: SyncBatch = { users: [], groups: [], deletedAnchors: [] };
    for (const item of items.slice(start, start + max)) {
      if ('users' in item) batch.users.push(item.users);
      else if ('groups' in item) batch.groups.push(item.groups);
      else batch.deletedAnchors.push(item.deletedAnchors);
    }
    batches.push(batch);
  }
  if (batches.length === 0 && full) batches.push({ users: [], groups: [], deletedAnchors: [] });
  return { batches, oversizedGroups };
}

export { formatGeneralizedTime, parseGeneralizedTime } from './generalized-time';
export {
  OPENLDAP_DEFAULT_GROUP_FILTER,
  OPENLDAP_DEFAULT_USER_FILTER,
  OpenLdapSyncSource,
  type OpenLdapSyncConfig,
} from './openldap.sync-source';
export { FullSyncRequiredError } from './sync-baseline';
export type { SyncConnectionConfig } from './sync-connection';
export type { SyncSourceOptions } from './sync-run';
export { SYNC_LIMITS, type SyncIssue, type SyncObjectType } from './synced-object';
export {
  AD_DEFAULT_GROUP_FILTER,
  AD_DEFAULT_USER_FILTER,
  ActiveDirectorySyncSource,
  type ActiveDirectorySyncConfig,
  type AdDeletionDetection,
} from './active-directory.sync-source';
export { SHOW_DELETED_OID, ShowDeletedControl } from './show-deleted.control';

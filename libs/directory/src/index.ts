export type {
  DirectoryAdapter,
  DirectoryHealthReport,
  DirectorySyncSource,
  DirectoryUser,
  ResetOptions,
  SyncScope,
  SyncSnapshot,
} from './directory.adapter';
export {
  classifyLdapError,
  DirectoryError,
  type ClassifyContext,
  type DirectoryErrorOptions,
  type LdapOperation,
} from './directory.error';
export { escapeDnValue, escapeFilterValue } from './ldap-escape';
export { isObjectGuidString, objectGuidFromString, objectGuidToString } from './object-guid';
export { OpenLdapAdapter, type OpenLdapConfig } from './openldap.adapter';
export { encodePasswordModifyRequest, PASSWORD_MODIFY_OID } from './password-modify';
export * from './sync';

export { ActiveDirectoryAdapter, type ActiveDirectoryConfig } from './active-directory.adapter';
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
  adBindFailure,
  classifyLdapError,
  DirectoryError,
  type AdBindFailure,
  type ClassifyContext,
  type DirectoryErrorOptions,
  type LdapOperation,
} from './directory.error';
export { escapeDnValue, escapeFilterValue } from './ldap-escape';
export { isObjectGuidString, objectGuidFromString, objectGuidToString } from './object-guid';
export {
  decidePolicyHints,
  POLICY_HINTS_DEPRECATED_OID,
  POLICY_HINTS_OID,
  PolicyHintsControl,
  type PolicyHintsDecision,
  type PolicyHintsMode,
} from './policy-hints.control';
export {
  CERTIFICATE_WARNING_DAYS,
  probeTlsCertificate,
  tlsCertificateCheck,
  tlsCertificateHealth,
  type TlsCertificateReport,
  type TlsProbeOptions,
} from './tls-certificate';
export { OpenLdapAdapter, type OpenLdapConfig } from './openldap.adapter';
export { encodePasswordModifyRequest, PASSWORD_MODIFY_OID } from './password-modify';
export * from './sync';

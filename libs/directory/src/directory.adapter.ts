import type {
  CredentialVerdict,
  DirectoryKind,
  DirectoryTarget,
  HealthCheck,
  ResetHistoryPolicy,
  Secret,
  SyncedGroup,
  SyncedUser,
} from '@sspr/contracts';
import type { DirectoryError } from './directory.error';

/** A user as the directory holds it right now. */
export interface DirectoryUser {
  dn: string;
  /** entryUUID (OpenLDAP) or objectGUID (AD), canonical lower-case string form. */
  immutableId: string;
  disabled: boolean;
  locked: boolean;
  /** A protected (admin) account: refused unless the configuration allows it. */
  protected: boolean;
}

export interface ResetOptions {
  mustChangeAtNextSignIn: boolean;
  unlock: boolean;
}

/**
 * The directory operations the agent needs; every failure is a DirectoryError. Every operation on a user
 * refuses a disabled account (AccountDisabled) and a protected one unless the configuration allows it
 * (NotPermitted): that decision is made here, once, for every directory.
 */
export interface DirectoryAdapter {
  readonly kind: DirectoryKind;
  /** Find by immutable id (entryUUID) first, then by DN; throws DirectoryError(UserNotFound | UserAmbiguous). */
  findUser(target: DirectoryTarget): Promise<DirectoryUser>;
  /** Admin reset as the service account; then (same call) pwdReset TRUE if mustChange, and unlock if asked. Throws DirectoryError. */
  resetPassword(user: DirectoryUser, password: Secret, options: ResetOptions): Promise<void>;
  /** Marks the password as one the user must change at the next sign-in (re-applied when settling a redelivery). */
  setMustChange(user: DirectoryUser): Promise<void>;
  /** Clears a lockout; a user who is not locked is left as is. Throws DirectoryError. */
  unlock(user: DirectoryUser): Promise<void>;
  /**
   * Binds as the user on a fresh connection; true when `password` is the user's current password, false on
   * invalidCredentials; throws DirectoryError for anything else (unreachable, account locked...). Used by the
   * agent to settle a redelivered command.
   */
  holdsPassword(user: DirectoryUser, password: Secret): Promise<boolean>;
  /**
   * A user change (the user knows the current password), bound as the user so that the directory applies
   * history and minimum age (OpenLDAP: Password Modify with oldPasswd; AD: delete old + add new unicodePwd).
   * Throws DirectoryError: InvalidCredentials for a wrong current password, RejectedByPolicy with its reason, ...
   */
  changePassword(user: DirectoryUser, current: Secret, next: Secret): Promise<void>;
  /**
   * Pass-through sign-in: binds as the user on a fresh connection and returns what the directory says
   * (valid, invalid, locked, disabled, expired, must change). Throws DirectoryError only when there is no
   * verdict (unreachable, misconfigured) or the account is protected and not allowed.
   */
  verifyCredentials(user: DirectoryUser, password: Secret): Promise<CredentialVerdict>;
  /** Binds (or re-uses the bound service connection) and reads the rootDSE; returns the round-trip latency. */
  ping(): Promise<{ latencyMs: number }>;
  /**
   * The directory's part of the agent's health checks (SPEC §5.2): bind account, TLS certificate expiry,
   * server capabilities. Never throws: a failure is a check with status `fail` and a plain-language detail.
   */
  checkHealth(): Promise<DirectoryHealthReport>;
  close(): Promise<void>;
}

export interface DirectoryHealthReport {
  reachable: boolean;
  latencyMs?: number;
  /** Why the directory is not usable, when it is not. */
  error?: DirectoryError;
  /** bind_account, tls_certificate (when the connection uses TLS), server_capabilities. */
  checks: HealthCheck[];
  /** Whether admin resets are checked against the history (known once the rootDSE was read). */
  resetHistory?: ResetHistoryPolicy;
}

/** What one sync run read: identities only, never a password. */
export interface SyncSnapshot {
  users: SyncedUser[];
  groups: SyncedGroup[];
  /** Anchors of users and groups gone since the previous run (always empty for a full run). */
  deletedAnchors: string[];
  /** Where the next delta starts (AD: highestCommittedUSN read before the run; OpenLDAP: a timestamp). */
  watermark: string;
}

/**
 * Reads identities from a configured base DN and filters (SPEC §5.2). Stateful: `changesSince` compares
 * against what earlier runs saw (OpenLDAP detects deletions by reconciling the anchors it knows).
 */
export interface DirectorySyncSource {
  /** Every user and group in scope. */
  full(): Promise<SyncSnapshot>;
  /** What changed (or was deleted) since `watermark`, which an earlier run returned. */
  changesSince(watermark: string): Promise<SyncSnapshot>;
}

export interface SyncScope {
  /** Where users and groups are read from; default: the adapter's base DN. */
  baseDn: string;
  /** RFC 4515; default OpenLDAP (objectClass=inetOrgPerson), AD (&(objectCategory=person)(objectClass=user)). */
  userFilter?: string;
  /** RFC 4515; default OpenLDAP (|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)), AD (objectClass=group). */
  groupFilter?: string;
  /** OpenLDAP has no UPN: `uid@suffix`; default suffix from the base DN's dc= parts (dc=example,dc=test → example.test). */
  upnSuffix?: string;
}

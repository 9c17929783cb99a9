import type { DirectoryTarget, Secret } from '@sspr/contracts';

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
  /** Binds (or re-uses the bound service connection) and reads the rootDSE; returns the round-trip latency. */
  ping(): Promise<{ latencyMs: number }>;
  close(): Promise<void>;
}

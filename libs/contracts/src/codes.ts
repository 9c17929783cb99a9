/** The verdict a directory write ends in; one vocabulary for the agent, the cloud and the API. */
export enum ResultCode {
  Applied = 'applied',
  RejectedByPolicy = 'rejected_by_policy',
  UserNotFound = 'user_not_found',
  UserAmbiguous = 'user_ambiguous',
  AccountDisabled = 'account_disabled',
  DirectoryUnreachable = 'directory_unreachable',
  NotPermitted = 'not_permitted',
  ConfigurationError = 'configuration_error',
  Expired = 'expired',
  /** A user change (password.change.v1) whose current password the directory did not accept. */
  InvalidCredentials = 'invalid_credentials',
  /** A command the agent could not understand or trust; it is dead-lettered, never retried. */
  InvalidCommand = 'invalid_command',
}

/** Why a directory's password policy refused a password. */
export enum PolicyReason {
  TooShort = 'too_short',
  Quality = 'quality',
  History = 'history',
  TooYoung = 'too_young',
  Locked = 'locked',
  Other = 'other',
}

/** Plain-language texts for end users and admins; never directory internals. */
export const RESULT_TEXT: Record<ResultCode, string> = {
  [ResultCode.Applied]: 'The password was changed in your organization’s directory.',
  [ResultCode.RejectedByPolicy]: 'Your organization’s password policy did not accept this password.',
  [ResultCode.UserNotFound]: 'The account could not be found in your organization’s directory.',
  [ResultCode.UserAmbiguous]: 'More than one account in your organization’s directory matches this user.',
  [ResultCode.AccountDisabled]: 'The account is disabled in your organization’s directory.',
  [ResultCode.DirectoryUnreachable]:
    'Your organization’s directory could not be reached. Nothing was changed; please try again later.',
  [ResultCode.NotPermitted]: 'This account cannot be changed through self-service; contact your administrator.',
  [ResultCode.ConfigurationError]: 'The on-premises integration is misconfigured; contact your administrator.',
  [ResultCode.Expired]: 'The request took too long and was cancelled. Nothing was changed; please try again.',
  [ResultCode.InvalidCommand]: 'The request could not be processed; contact your administrator.',
  [ResultCode.InvalidCredentials]: 'The current password is not correct.',
};

export const POLICY_REASON_TEXT: Record<PolicyReason, string> = {
  [PolicyReason.TooShort]: 'The password is too short.',
  [PolicyReason.Quality]: 'The password does not meet the complexity requirements.',
  [PolicyReason.History]: 'The password was used recently. Choose one you have not used before.',
  [PolicyReason.TooYoung]: 'The password was changed too recently to be changed again yet.',
  [PolicyReason.Locked]: 'The account is locked.',
  [PolicyReason.Other]: 'The password does not meet the password policy.',
};

/**
 * What a bind as the user says about a password (credentials.verify.v1), on OpenLDAP (ppolicy response
 * control) and on Active Directory (the bind's `data` code).
 */
export enum CredentialVerdict {
  Valid = 'valid',
  Invalid = 'invalid',
  Locked = 'locked',
  Disabled = 'disabled',
  /** The password has expired (AD 532, ppolicy passwordExpired) or the account has (AD 701). */
  Expired = 'expired',
  /** The password is right but must be changed before the account can be used (AD 773, ppolicy changeAfterReset). */
  MustChange = 'must_change',
}

export const CREDENTIAL_VERDICT_TEXT: Record<CredentialVerdict, string> = {
  [CredentialVerdict.Valid]: 'The password is correct.',
  [CredentialVerdict.Invalid]: 'The user name or password is incorrect.',
  [CredentialVerdict.Locked]: 'The account is locked. Unlock it or wait before trying again.',
  [CredentialVerdict.Disabled]: 'The account is disabled. Contact your administrator.',
  [CredentialVerdict.Expired]: 'The password has expired. Reset it to sign in.',
  [CredentialVerdict.MustChange]: 'The password must be changed before you can sign in.',
};

/** One agent health check (SPEC §5.2), as reported in every heartbeat. */
export enum HealthCheckName {
  BindAccount = 'bind_account',
  TlsCertificate = 'tls_certificate',
  ServerCapabilities = 'server_capabilities',
  ClockSkew = 'clock_skew',
  Broker = 'broker',
  QueueLag = 'queue_lag',
  SyncLag = 'sync_lag',
}

export enum HealthCheckStatus {
  Pass = 'pass',
  Warn = 'warn',
  Fail = 'fail',
}

export enum DirectoryKind {
  OpenLdap = 'openldap',
  ActiveDirectory = 'active_directory',
}

/**
 * Whether an admin reset is checked against the user's password history. OpenLDAP's ppolicy checks it for
 * a non-manage service account; AD only with the LDAP_SERVER_POLICY_HINTS control.
 */
export enum ResetHistoryPolicy {
  /** The directory checks history on admin resets. */
  Enforced = 'enforced',
  /** The server lacks policy hints and the agent is configured `enforce-if-supported`: resets skip history. */
  NotEnforced = 'not_enforced',
  /** The server lacks policy hints and the agent is configured `require`: admin resets are refused. */
  Refused = 'refused',
}

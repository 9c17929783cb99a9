import { CREDENTIAL_VERDICT_TEXT, CredentialVerdict, type ResultCode } from '@sspr/contracts';

/** Every failure the API reports; the one exception filter maps each code to an HTTP status. */
export enum ErrorCode {
  InvalidInput = 'invalid_input',
  Unauthenticated = 'unauthenticated',
  TenantNotFound = 'tenant_not_found',
  UserNotFound = 'user_not_found',
  UserExists = 'user_exists',
  GroupNotFound = 'group_not_found',
  AgentNotFound = 'agent_not_found',
  InvalidRegistrationToken = 'invalid_registration_token',
  NotLicensed = 'not_licensed',
  NotSynced = 'not_synced',
  WritebackDisabled = 'writeback_disabled',
  NotConfigured = 'not_configured',
  CommandInFlight = 'command_in_flight',
  BrokerUnavailable = 'broker_unavailable',
  /** The directory gave a verdict other than "applied"; the status follows the verdict. */
  WritebackNotApplied = 'writeback_not_applied',
  /** Sign-in: unknown user or wrong password (one answer for both). */
  InvalidCredentials = 'invalid_credentials',
  AccountLocked = 'account_locked',
  AccountDisabled = 'account_disabled',
  PasswordExpired = 'password_expired',
  /** A session that may only change the password, used for anything else. */
  PasswordChangeRequired = 'password_change_required',
  /** The cloud's own password rules refused a new password (the reasons are in `errors`). */
  PasswordRejected = 'password_rejected',
  /** Sign-in could not reach the on-premises directory in time. */
  DirectoryUnreachable = 'directory_unreachable',
  /** The on-premises side answered something a sign-in cannot use (misconfiguration, ambiguous user…). */
  OnPremConfigurationError = 'configuration_error',
  NotPermitted = 'not_permitted',
}

/** Plain-language texts; no internals, no values from the request. */
export const ERROR_TEXT: Record<ErrorCode, string> = {
  [ErrorCode.InvalidInput]: 'The request is not valid.',
  [ErrorCode.Unauthenticated]: 'Sign in first: a valid bearer token is required.',
  [ErrorCode.TenantNotFound]: 'No such tenant.',
  [ErrorCode.UserNotFound]: 'No such user.',
  [ErrorCode.UserExists]: 'A user with this user principal name already exists.',
  [ErrorCode.GroupNotFound]: 'No such group.',
  [ErrorCode.AgentNotFound]: 'No such agent.',
  [ErrorCode.InvalidRegistrationToken]: 'The registration token is unknown, already used or expired.',
  [ErrorCode.NotLicensed]: 'Your licence does not include this feature.',
  [ErrorCode.NotSynced]: 'This user is not synchronized from an on-premises directory.',
  [ErrorCode.WritebackDisabled]: 'Password writeback is turned off for your organization.',
  [ErrorCode.NotConfigured]:
    'No on-premises agent is registered, so the password cannot be written back; contact your administrator.',
  [ErrorCode.CommandInFlight]: 'A change for this user is already in progress. Wait for it to finish, then try again.',
  [ErrorCode.BrokerUnavailable]: 'The service is temporarily unavailable. Nothing was changed; please try again later.',
  [ErrorCode.WritebackNotApplied]: 'The change was not applied.',
  [ErrorCode.InvalidCredentials]: CREDENTIAL_VERDICT_TEXT[CredentialVerdict.Invalid],
  [ErrorCode.AccountLocked]: CREDENTIAL_VERDICT_TEXT[CredentialVerdict.Locked],
  [ErrorCode.AccountDisabled]: CREDENTIAL_VERDICT_TEXT[CredentialVerdict.Disabled],
  [ErrorCode.PasswordExpired]: CREDENTIAL_VERDICT_TEXT[CredentialVerdict.Expired],
  [ErrorCode.PasswordChangeRequired]: 'Change your password before you continue.',
  [ErrorCode.PasswordRejected]: 'The password does not meet the password rules.',
  [ErrorCode.DirectoryUnreachable]:
    'Your organization’s directory could not be reached to check your password. Please try again later.',
  [ErrorCode.OnPremConfigurationError]:
    'The on-premises integration could not check your password; contact your administrator.',
  [ErrorCode.NotPermitted]: 'This account cannot sign in here; contact your administrator.',
};

/** A failure of our domain, with a code from the enum and a message safe to show. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_TEXT[code],
    /** Extra detail safe to show (e.g. validation messages). */
    readonly details?: readonly string[],
  ) {
    super(message);
  }
}

/** The directory's verdict was not "applied"; `body` is the full API answer, its status follows `outcome`. */
export class WritebackOutcomeError extends DomainError {
  constructor(
    readonly outcome: ResultCode,
    readonly body: object,
  ) {
    super(ErrorCode.WritebackNotApplied);
  }
}

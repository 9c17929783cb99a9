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
};

export const POLICY_REASON_TEXT: Record<PolicyReason, string> = {
  [PolicyReason.TooShort]: 'The password is too short.',
  [PolicyReason.Quality]: 'The password does not meet the complexity requirements.',
  [PolicyReason.History]: 'The password was used recently. Choose one you have not used before.',
  [PolicyReason.TooYoung]: 'The password was changed too recently to be changed again yet.',
  [PolicyReason.Locked]: 'The account is locked.',
  [PolicyReason.Other]: 'The password does not meet the password policy.',
};

import { HttpStatus } from '@nestjs/common';
import { ResultCode } from '@sspr/contracts';
import { ErrorCode } from './domain-error';

/** Error code → HTTP status: the one table the exception filter uses. */
export const ERROR_HTTP_STATUS: Record<ErrorCode, HttpStatus> = {
  [ErrorCode.InvalidInput]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  // Also what a token of another tenant gets, so a tenant's existence never leaks.
  [ErrorCode.TenantNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.UserNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.UserExists]: HttpStatus.CONFLICT,
  [ErrorCode.GroupNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.AgentNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.InvalidRegistrationToken]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.NotLicensed]: HttpStatus.FORBIDDEN,
  [ErrorCode.NotSynced]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.WritebackDisabled]: HttpStatus.CONFLICT,
  [ErrorCode.NotConfigured]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.CommandInFlight]: HttpStatus.CONFLICT,
  [ErrorCode.BrokerUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  // Never used directly: a WritebackOutcomeError takes its status from OUTCOME_HTTP_STATUS.
  [ErrorCode.WritebackNotApplied]: HttpStatus.BAD_GATEWAY,
  [ErrorCode.InvalidCredentials]: HttpStatus.UNAUTHORIZED,
  // 423 rather than 403: a client can tell "locked, unlock or wait" from "disabled, ask an admin".
  [ErrorCode.AccountLocked]: HttpStatus.LOCKED,
  [ErrorCode.AccountDisabled]: HttpStatus.FORBIDDEN,
  [ErrorCode.PasswordExpired]: HttpStatus.FORBIDDEN,
  [ErrorCode.PasswordChangeRequired]: HttpStatus.FORBIDDEN,
  [ErrorCode.PasswordRejected]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.DirectoryUnreachable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.OnPremConfigurationError]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.NotPermitted]: HttpStatus.FORBIDDEN,
};

/** Directory verdict → HTTP status of the reset / unlock answer. */
export const OUTCOME_HTTP_STATUS: Record<ResultCode, HttpStatus> = {
  [ResultCode.Applied]: HttpStatus.OK,
  [ResultCode.RejectedByPolicy]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ResultCode.UserNotFound]: HttpStatus.NOT_FOUND,
  [ResultCode.UserAmbiguous]: HttpStatus.CONFLICT,
  [ResultCode.AccountDisabled]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ResultCode.NotPermitted]: HttpStatus.FORBIDDEN,
  [ResultCode.DirectoryUnreachable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ResultCode.Expired]: HttpStatus.SERVICE_UNAVAILABLE,
  [ResultCode.ConfigurationError]: HttpStatus.SERVICE_UNAVAILABLE,
  [ResultCode.InvalidCommand]: HttpStatus.BAD_GATEWAY,
  [ResultCode.InvalidCredentials]: HttpStatus.UNPROCESSABLE_ENTITY,
};

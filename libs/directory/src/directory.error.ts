import { PolicyReason, ResultCode } from '@sspr/contracts';
import { InvalidCredentialsError, PasswordPolicyError, ResultCodeError } from 'ldapts';

/** What we were doing when the directory answered; some answers mean different things per operation. */
export type LdapOperation = 'service-bind' | 'user-bind' | 'search' | 'password-modify' | 'modify';

export interface ClassifyContext {
  operation?: LdapOperation;
  /** `error` of the ppolicy response control (draft-behera §6.2), when the server sent one. */
  passwordPolicyError?: number;
  /** The password was already written when this failed (a follow-up write such as pwdReset did not succeed). */
  passwordApplied?: boolean;
}

export interface DirectoryErrorOptions {
  reason?: PolicyReason;
  /** The LDAP result code, for operators; never the server's text. */
  ldapResultCode?: number;
  passwordApplied?: boolean;
}

/**
 * A directory operation that did not succeed, as a result code (and a policy reason for rejections).
 * `detail` and `message` are our own words: no DNs, no server text, safe to log and to send to the cloud.
 */
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  readonly reason?: PolicyReason;
  readonly ldapResultCode?: number;
  /** True when the new password is in the directory although the call failed afterwards. */
  readonly passwordApplied: boolean;

  constructor(
    readonly code: ResultCode,
    readonly detail: string,
    options: DirectoryErrorOptions = {},
  ) {
    super(detail);
    this.reason = options.reason;
    this.ldapResultCode = options.ldapResultCode;
    this.passwordApplied = options.passwordApplied ?? false;
  }
}

const POLICY_ERROR_REASONS: ReadonlyMap<number, PolicyReason> = new Map([
  [PasswordPolicyError.AccountLocked, PolicyReason.Locked],
  [PasswordPolicyError.InsufficientPasswordQuality, PolicyReason.Quality],
  [PasswordPolicyError.PasswordTooShort, PolicyReason.TooShort],
  [PasswordPolicyError.PasswordTooYoung, PolicyReason.TooYoung],
  [PasswordPolicyError.PasswordInHistory, PolicyReason.History],
]);

/**
 * slapd 2.5's own texts, read only when no ppolicy response control came back. slapd says "fails quality
 * checking policy" both for a short password and for a failed quality check; only the control tells them apart.
 */
const POLICY_TEXT_REASONS: readonly [RegExp, PolicyReason][] = [
  [/password is in history of old passwords/i, PolicyReason.History],
  [/password is not being changed from existing value/i, PolicyReason.History],
  [/password is too young to change/i, PolicyReason.TooYoung],
  [/password fails quality checking policy/i, PolicyReason.Quality],
];

const POLICY_REASON_DETAIL: Record<PolicyReason, string> = {
  [PolicyReason.TooShort]: 'the password policy rejected the password: too short',
  [PolicyReason.Quality]: 'the password policy rejected the password: quality check failed',
  [PolicyReason.History]: 'the password policy rejected the password: in the password history',
  [PolicyReason.TooYoung]: 'the password policy rejected the password: changed too recently',
  [PolicyReason.Locked]: 'the account is locked by the password policy',
  [PolicyReason.Other]: 'the password policy rejected the password',
};

/** Node socket and DNS failures: the directory could not be reached, nothing was changed. */
const UNREACHABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** ldapts' own transport errors are plain Errors; these are their messages (ldapts 9 Client.ts). */
const UNREACHABLE_LDAPTS_TEXT = [
  /^Connection timeout$/,
  /Operation timed out$/,
  /^Connection closed before message response was received/,
  /^Socket error\./,
  /^Socket connection not established$/,
];

function policyReason(context: ClassifyContext, serverText: string): PolicyReason {
  const fromControl =
    context.passwordPolicyError === undefined ? undefined : POLICY_ERROR_REASONS.get(context.passwordPolicyError);
  if (fromControl) return fromControl;
  if (context.passwordPolicyError !== undefined) return PolicyReason.Other;
  return POLICY_TEXT_REASONS.find(([pattern]) => pattern.test(serverText))?.[1] ?? PolicyReason.Other;
}

function classifyResultCode(resultCode: number, serverText: string, context: ClassifyContext): DirectoryError {
  const options = { ldapResultCode: resultCode, passwordApplied: context.passwordApplied };
  const fail = (code: ResultCode, detail: string): DirectoryError => new DirectoryError(code, detail, options);

  if (context.passwordPolicyError === PasswordPolicyError.AccountLocked) {
    return new DirectoryError(ResultCode.RejectedByPolicy, POLICY_REASON_DETAIL[PolicyReason.Locked], {
      ...options,
      reason: PolicyReason.Locked,
    });
  }
  switch (resultCode) {
    case 19: {
      const reason = policyReason(context, serverText);
      return new DirectoryError(ResultCode.RejectedByPolicy, POLICY_REASON_DETAIL[reason], { ...options, reason });
    }
    case 32:
      return fail(ResultCode.UserNotFound, 'no such entry in the directory');
    case 34:
      return fail(ResultCode.UserNotFound, 'the DN is not valid');
    case 49:
      return fail(
        ResultCode.ConfigurationError,
        context.operation === 'user-bind'
          ? 'the directory refused the credentials'
          : 'the directory refused the service account’s credentials',
      );
    case 50:
      return fail(ResultCode.NotPermitted, 'the service account is not allowed to do this');
    case 3: // timeLimitExceeded
    case 51: // busy
    case 52: // unavailable
      return fail(ResultCode.DirectoryUnreachable, 'the directory is busy or unavailable');
    case 7: // authMethodNotSupported
    case 8: // strongAuthRequired
    case 13: // confidentialityRequired
    case 48: // inappropriateAuthentication
      return fail(ResultCode.ConfigurationError, 'the directory requires a different way to authenticate (TLS?)');
    case 12:
      return fail(ResultCode.ConfigurationError, 'the directory does not support a required control or operation');
    case 53:
      return fail(ResultCode.ConfigurationError, 'the directory is unwilling to perform the operation');
    default:
      return fail(ResultCode.ConfigurationError, `unexpected directory result ${resultCode}`);
  }
}

/**
 * The one place where ldapts errors, LDAP result codes and ppolicy errors become a ResultCode and a
 * PolicyReason. Unknown failures are ConfigurationError: they need a person, not a retry.
 */
export function classifyLdapError(err: unknown, context: ClassifyContext = {}): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const options = { passwordApplied: context.passwordApplied };
  if (err instanceof ResultCodeError) return classifyResultCode(err.code, err.message, context);
  // Duck-typed, not `instanceof Error`: socket errors are made by Node's core, whose Error is another realm's
  // class under a Jest sandbox or any vm context (and a second copy of ldapts would have its own classes).
  const { code: systemCode, message } = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    message?: unknown;
  };
  if (typeof systemCode === 'number') return classifyResultCode(systemCode, String(message), context);
  if (typeof systemCode === 'string' && UNREACHABLE_SYSTEM_CODES.has(systemCode)) {
    return new DirectoryError(ResultCode.DirectoryUnreachable, 'the directory could not be reached', options);
  }
  if (typeof message === 'string' && UNREACHABLE_LDAPTS_TEXT.some((pattern) => pattern.test(message))) {
    return new DirectoryError(ResultCode.DirectoryUnreachable, 'the directory connection failed or timed out', options);
  }
  if (typeof systemCode === 'string' && /CERT|SELF_SIGNED|TLS|SSL/.test(systemCode)) {
    return new DirectoryError(
      ResultCode.ConfigurationError,
      'the directory’s TLS certificate was not accepted',
      options,
    );
  }
  return new DirectoryError(ResultCode.ConfigurationError, 'unexpected error talking to the directory', options);
}

/** True for a refused bind (LDAP 49), the one failure a credentials check expects. */
export function isInvalidCredentials(err: unknown): boolean {
  return err instanceof InvalidCredentialsError;
}

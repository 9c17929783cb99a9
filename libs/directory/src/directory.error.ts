import { CredentialVerdict, PolicyReason, ResultCode } from '@sspr/contracts';
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

/**
 * Active Directory (and Samba AD) start every diagnostic message with a Win32 error code in 8 hex digits, e.g.
 * "0000052D: Constraint violation - …". We key on that code, never on the English text after it.
 */
const AD_ERROR_CODE = /^([0-9A-F]{8}):/i;
/** ERROR_PASSWORD_RESTRICTION: the domain's password policy refused the password (reset or change). */
const AD_PASSWORD_RESTRICTION = '0000052D';
/** ERROR_INVALID_PASSWORD: a user change whose old unicodePwd value is not the current password. */
const AD_WRONG_OLD_PASSWORD = '00000056';
/** ERROR_DS_UNWILLING_TO_PERFORM on unicodePwd: not a quoted UTF-16LE value (Samba: "set the NT hash directly"). */
const AD_BAD_PASSWORD_ENCODING = '00002035';

/**
 * The reason behind a 0000052D. Windows gives none; Samba appends check_password_restrictions' own words, which
 * are the only way to tell the four apart there (Samba 4.17 texts).
 */
const AD_POLICY_TEXT_REASONS: readonly [RegExp, PolicyReason][] = [
  [/password is too short/i, PolicyReason.TooShort],
  [/does not meet the complexity criteria/i, PolicyReason.Quality],
  [/password was already used/i, PolicyReason.History],
  [/password is too young to change/i, PolicyReason.TooYoung],
];

/** The `data` code of an AD bind refusal (49): "80090308: LdapErr: DSID-…, comment: AcceptSecurityContext error, data 52e, v…". */
const AD_BIND_DATA = /\bdata ([0-9a-f]{1,8})\b/i;

/** What an AD bind refusal's `data` code means, for each way we bind. */
export interface AdBindFailure {
  /** Lower-case hex, e.g. 52e. */
  dataCode: string;
  /** The verdict of a pass-through sign-in. */
  verdict: CredentialVerdict;
  /** Whether the password given was the right one: true, false, or unknown (the DC did not check it). */
  passwordMatches: boolean | undefined;
  /** Our words for a refused service-account bind. */
  serviceDetail: string;
}

const AD_BIND_FAILURES: Record<string, Omit<AdBindFailure, 'dataCode'>> = {
  '525': {
    verdict: CredentialVerdict.Invalid,
    passwordMatches: false,
    serviceDetail: 'the directory does not know the service account (check its DN)',
  },
  '52e': {
    verdict: CredentialVerdict.Invalid,
    passwordMatches: false,
    serviceDetail: 'the directory refused the service account’s credentials (wrong DN or password)',
  },
  '530': {
    verdict: CredentialVerdict.Disabled,
    passwordMatches: undefined,
    serviceDetail: 'the service account may not sign in at this time (logon hours)',
  },
  '531': {
    verdict: CredentialVerdict.Disabled,
    passwordMatches: undefined,
    serviceDetail: 'the service account may not sign in from this computer (logon workstations)',
  },
  '532': {
    verdict: CredentialVerdict.Expired,
    passwordMatches: true,
    serviceDetail: 'the service account’s password expired',
  },
  '533': {
    verdict: CredentialVerdict.Disabled,
    passwordMatches: undefined,
    serviceDetail: 'the service account is disabled',
  },
  '701': {
    verdict: CredentialVerdict.Expired,
    passwordMatches: undefined,
    serviceDetail: 'the service account has expired',
  },
  '773': {
    verdict: CredentialVerdict.MustChange,
    passwordMatches: true,
    serviceDetail: 'the service account’s password must be changed before it can be used',
  },
  '775': {
    verdict: CredentialVerdict.Locked,
    passwordMatches: undefined,
    serviceDetail: 'the service account is locked out',
  },
};

function adErrorCode(serverText: string): string | undefined {
  return AD_ERROR_CODE.exec(serverText)?.[1]?.toUpperCase();
}

function adBindFailureIn(serverText: string): AdBindFailure | undefined {
  const dataCode = AD_BIND_DATA.exec(serverText)?.[1]?.toLowerCase();
  const known = dataCode === undefined ? undefined : AD_BIND_FAILURES[dataCode];
  return dataCode === undefined || known === undefined ? undefined : { dataCode, ...known };
}

/** An AD bind refusal (LDAP 49 with a known `data` code), or undefined for anything else. */
export function adBindFailure(err: unknown): AdBindFailure | undefined {
  if (!(err instanceof ResultCodeError) || err.code !== 49) return undefined;
  return adBindFailureIn(err.message);
}

function adPolicyRejection(serverText: string, options: DirectoryErrorOptions): DirectoryError {
  const reason = AD_POLICY_TEXT_REASONS.find(([pattern]) => pattern.test(serverText))?.[1] ?? PolicyReason.Other;
  return new DirectoryError(ResultCode.RejectedByPolicy, POLICY_REASON_DETAIL[reason], { ...options, reason });
}

/** An AD bind refusal as the error of the bind that got it. */
function adBindError(failure: AdBindFailure, context: ClassifyContext, options: DirectoryErrorOptions): DirectoryError {
  if (context.operation !== 'user-bind') {
    return new DirectoryError(ResultCode.ConfigurationError, failure.serviceDetail, options);
  }
  switch (failure.verdict) {
    case CredentialVerdict.Invalid:
      return new DirectoryError(ResultCode.InvalidCredentials, 'the password is not correct', options);
    case CredentialVerdict.Locked:
      return new DirectoryError(ResultCode.RejectedByPolicy, POLICY_REASON_DETAIL[PolicyReason.Locked], {
        ...options,
        reason: PolicyReason.Locked,
      });
    case CredentialVerdict.Disabled:
      return new DirectoryError(ResultCode.AccountDisabled, 'the account is disabled or may not sign in now', options);
    case CredentialVerdict.Expired:
      return new DirectoryError(
        failure.passwordMatches ? ResultCode.RejectedByPolicy : ResultCode.AccountDisabled,
        failure.passwordMatches ? 'the password has expired' : 'the account has expired',
        failure.passwordMatches ? { ...options, reason: PolicyReason.Other } : options,
      );
    case CredentialVerdict.MustChange:
      return new DirectoryError(ResultCode.RejectedByPolicy, 'the password must be changed first', {
        ...options,
        reason: PolicyReason.Other,
      });
    case CredentialVerdict.Valid:
      return new DirectoryError(ResultCode.ConfigurationError, 'unexpected bind answer', options);
  }
}

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

  const adCode = adErrorCode(serverText);
  if (adCode === AD_PASSWORD_RESTRICTION && (resultCode === 19 || resultCode === 53)) {
    // Windows answers 19 or 53 depending on the version; the code says what it is.
    return adPolicyRejection(serverText, options);
  }
  if (adCode === AD_WRONG_OLD_PASSWORD && (resultCode === 19 || resultCode === 53)) {
    return fail(ResultCode.InvalidCredentials, 'the current password is not correct');
  }
  if (adCode === AD_BAD_PASSWORD_ENCODING) {
    return fail(ResultCode.ConfigurationError, 'the directory refused the password encoding (unicodePwd)');
  }
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
    case 49: {
      const failure = adBindFailureIn(serverText);
      if (failure) return adBindError(failure, context, options);
      return fail(
        ResultCode.ConfigurationError,
        context.operation === 'user-bind'
          ? 'the directory refused the credentials'
          : 'the directory refused the service account’s credentials',
      );
    }
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
      // The AD code is ours to show (a number, not the server's text) and tells an operator where to look.
      return fail(
        ResultCode.ConfigurationError,
        `unexpected directory result ${resultCode}${adCode === undefined ? '' : ` (${adCode})`}`,
      );
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
  if (typeof systemCode === 'string' && /CERT|SELF_SIGNED|TLS|SSL|LEAF_SIGNATURE|ISSUER|CHAIN/.test(systemCode)) {
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

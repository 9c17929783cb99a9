import { runInNewContext } from 'node:vm';
import { PolicyReason, ResultCode } from '@sspr/contracts';
import {
  BusyError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  InvalidDNSyntaxError,
  NoSuchObjectError,
  PasswordPolicyError,
  StrongAuthRequiredError,
  UnavailableCriticalExtensionError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';
import { classifyLdapError, DirectoryError, type ClassifyContext } from './directory.error';

const systemError = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:389`), { code });

describe('classifyLdapError', () => {
  describe('password policy rejections (19 constraintViolation)', () => {
    it.each([
      [PasswordPolicyError.PasswordTooShort, PolicyReason.TooShort],
      [PasswordPolicyError.InsufficientPasswordQuality, PolicyReason.Quality],
      [PasswordPolicyError.PasswordTooYoung, PolicyReason.TooYoung],
      [PasswordPolicyError.PasswordInHistory, PolicyReason.History],
      [PasswordPolicyError.PasswordModNotAllowed, PolicyReason.Other],
      [PasswordPolicyError.MustSupplyOldPassword, PolicyReason.Other],
    ])('trusts the ppolicy control error %d over the text and gives reason %s', (policyError, reason) => {
      const error = classifyLdapError(new ConstraintViolationError('Password fails quality checking policy'), {
        operation: 'password-modify',
        passwordPolicyError: policyError,
      });

      expect(error).toMatchObject({ code: ResultCode.RejectedByPolicy, reason, ldapResultCode: 19 });
    });

    it.each([
      ['Password is in history of old passwords', PolicyReason.History],
      ['Password is not being changed from existing value', PolicyReason.History],
      ['Password is too young to change', PolicyReason.TooYoung],
      ['Password fails quality checking policy', PolicyReason.Quality],
      ['some other constraint', PolicyReason.Other],
    ])('falls back to slapd’s text %j without a control and gives reason %s', (text, reason) => {
      const error = classifyLdapError(new ConstraintViolationError(text), { operation: 'password-modify' });

      expect(error).toMatchObject({ code: ResultCode.RejectedByPolicy, reason });
    });
  });

  it.each<[string, Error, ClassifyContext, ResultCode]>([
    ['32 noSuchObject', new NoSuchObjectError('No such object'), { operation: 'search' }, ResultCode.UserNotFound],
    ['34 invalidDNSyntax', new InvalidDNSyntaxError('invalid DN'), { operation: 'search' }, ResultCode.UserNotFound],
    [
      '50 insufficientAccessRights',
      new InsufficientAccessError('no write access'),
      { operation: 'modify' },
      ResultCode.NotPermitted,
    ],
    [
      '49 on the service bind',
      new InvalidCredentialsError('Invalid credentials'),
      { operation: 'service-bind' },
      ResultCode.ConfigurationError,
    ],
    [
      '8 strongAuthRequired',
      new StrongAuthRequiredError('TLS required'),
      { operation: 'service-bind' },
      ResultCode.ConfigurationError,
    ],
    ['12 unavailableCriticalExtension', new UnavailableCriticalExtensionError('x'), {}, ResultCode.ConfigurationError],
    ['53 unwillingToPerform', new UnwillingToPerformError('shadow context'), {}, ResultCode.ConfigurationError],
    ['51 busy', new BusyError('busy'), {}, ResultCode.DirectoryUnreachable],
    ['52 unavailable', new UnavailableError('unavailable'), {}, ResultCode.DirectoryUnreachable],
    ['ECONNREFUSED', systemError('ECONNREFUSED'), {}, ResultCode.DirectoryUnreachable],
    ['ECONNRESET', systemError('ECONNRESET'), {}, ResultCode.DirectoryUnreachable],
    ['ETIMEDOUT', systemError('ETIMEDOUT'), {}, ResultCode.DirectoryUnreachable],
    ['ENOTFOUND', systemError('ENOTFOUND'), {}, ResultCode.DirectoryUnreachable],
    ['ldapts connect timeout', new Error('Connection timeout'), {}, ResultCode.DirectoryUnreachable],
    ['ldapts operation timeout', new Error('SearchRequest: Operation timed out'), {}, ResultCode.DirectoryUnreachable],
    [
      'ldapts connection closed mid-operation',
      new Error('Connection closed before message response was received. Message type: ExtendedRequest (0x77)'),
      {},
      ResultCode.DirectoryUnreachable,
    ],
    ['an untrusted TLS certificate', systemError('SELF_SIGNED_CERT_IN_CHAIN'), {}, ResultCode.ConfigurationError],
    ['anything else', new TypeError('x is undefined'), {}, ResultCode.ConfigurationError],
    ['a thrown non-error', 'boom' as unknown as Error, {}, ResultCode.ConfigurationError],
  ])('classifies %s', (_, err, context, code) => {
    expect(classifyLdapError(err, context).code).toBe(code);
  });

  it('recognises socket errors made in another realm (Node core under a Jest or vm sandbox)', () => {
    const foreign: unknown = runInNewContext(
      'Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })',
    );

    expect(classifyLdapError(foreign).code).toBe(ResultCode.DirectoryUnreachable);
  });

  it('reports a locked account from the ppolicy control whatever the result code', () => {
    const error = classifyLdapError(new InvalidCredentialsError('Invalid credentials'), {
      operation: 'user-bind',
      passwordPolicyError: PasswordPolicyError.AccountLocked,
    });

    expect(error).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.Locked });
  });

  it('returns a DirectoryError unchanged', () => {
    const original = new DirectoryError(ResultCode.UserAmbiguous, 'two entries');

    expect(classifyLdapError(original)).toBe(original);
  });

  it('never carries the server’s text or a DN into the detail', () => {
    const serverText = 'no write access to parent uid=secret.person,ou=people,dc=example,dc=test';

    const error = classifyLdapError(new InsufficientAccessError(serverText), { operation: 'modify' });

    expect([error.detail, error.message, JSON.stringify(error)].join(' ')).not.toMatch(
      /uid=|secret\.person|write access/,
    );
  });

  it('marks a failure after the password was written so the caller does not report it as not applied', () => {
    const error = classifyLdapError(new InsufficientAccessError('x'), { operation: 'modify', passwordApplied: true });

    expect(error).toMatchObject({ code: ResultCode.NotPermitted, passwordApplied: true });
  });
});

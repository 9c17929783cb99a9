import { runInNewContext } from 'node:vm';
import { CredentialVerdict, PolicyReason, ResultCode } from '@sspr/contracts';
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
import { adBindFailure, classifyLdapError, DirectoryError, type ClassifyContext } from './directory.error';

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

/** Diagnostic messages exactly as Samba 4.17 sent them (captured by the Active Directory integration suite). */
const SAMBA = {
  tooShort:
    '0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 10 characters!',
  notComplex:
    '0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!',
  previousPassword:
    '0000052D: Constraint violation - check_password_restrictions: the password was already used (previous password)!',
  inHistory:
    '0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!',
  tooYoung: '0000052D: Constraint violation - check_password_restrictions: password is too young to change!',
  wrongOldPassword:
    "00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match!",
  ntHash: "00002035: setup_io: it's not allowed to set the NT hash password directly'",
  noSuchObject: '00002030: No such Base DN: CN=Nobody,OU=People,DC=example,DC=test',
  noWriteAccess: '00002098: Object CN=Felix Adams,OU=People,DC=example,DC=test has no write property access\n',
  aclModule: 'error in module acl: insufficient access rights during LDB_MODIFY (50)',
  pwdLastSet:
    '00000057: setup_last_set_field: pwdLastSet must be 0 or -1 only! at ../../source4/dsdb/samdb/ldb_modules/password_hash.c:2436:setup_last_set_field',
  bind: (data: string) => `80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data ${data}, v1db1`,
  transportEncryption: 'BindSimple: Transport encryption required.',
};
/** Windows gives the code and no reason, on 19 or (older versions) 53. */
const WINDOWS_POLICY =
  '0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)\n';
const WINDOWS_POLICY_53 = '0000052D: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0\n';

describe('classifyLdapError for Active Directory', () => {
  it.each([
    ['too short', SAMBA.tooShort, PolicyReason.TooShort],
    ['not complex', SAMBA.notComplex, PolicyReason.Quality],
    ['the previous password', SAMBA.previousPassword, PolicyReason.History],
    ['a password in the history', SAMBA.inHistory, PolicyReason.History],
    ['too young', SAMBA.tooYoung, PolicyReason.TooYoung],
    ['Windows, no reason given', WINDOWS_POLICY, PolicyReason.Other],
  ])('turns 0000052D (%s) into RejectedByPolicy with its reason', (_, text, reason) => {
    const error = classifyLdapError(new ConstraintViolationError(text), { operation: 'modify' });

    expect(error).toMatchObject({ code: ResultCode.RejectedByPolicy, reason, ldapResultCode: 19 });
  });

  it('turns 0000052D on 53 unwillingToPerform (older Windows) into RejectedByPolicy too', () => {
    const error = classifyLdapError(new UnwillingToPerformError(WINDOWS_POLICY_53), { operation: 'modify' });

    expect(error).toMatchObject({ code: ResultCode.RejectedByPolicy, reason: PolicyReason.Other });
  });

  it('keys on the code, not the text: a reason-like text without 0000052D is not a policy rejection', () => {
    const error = classifyLdapError(new UnwillingToPerformError('the password is too short'), { operation: 'modify' });

    expect(error.code).toBe(ResultCode.ConfigurationError);
  });

  it.each<[string, Error, ResultCode]>([
    [
      '00000056 wrong old password',
      new ConstraintViolationError(SAMBA.wrongOldPassword),
      ResultCode.InvalidCredentials,
    ],
    ['00002035 bad unicodePwd encoding', new UnwillingToPerformError(SAMBA.ntHash), ResultCode.ConfigurationError],
    ['32 with 00002030', new NoSuchObjectError(SAMBA.noSuchObject), ResultCode.UserNotFound],
    ['50 with 00002098', new InsufficientAccessError(SAMBA.noWriteAccess), ResultCode.NotPermitted],
    ['50 from the acl module', new InsufficientAccessError(SAMBA.aclModule), ResultCode.NotPermitted],
    [
      '12 for a critical control the DC lacks',
      new UnavailableCriticalExtensionError(''),
      ResultCode.ConfigurationError,
    ],
    [
      '8 for a simple bind in clear',
      new StrongAuthRequiredError(SAMBA.transportEncryption),
      ResultCode.ConfigurationError,
    ],
  ])('classifies %s', (_, err, code) => {
    expect(classifyLdapError(err, { operation: 'modify' }).code).toBe(code);
  });

  it('names the bad encoding in our own words', () => {
    expect(classifyLdapError(new UnwillingToPerformError(SAMBA.ntHash)).detail).toMatch(/password encoding/);
  });

  it('gives an unknown result with the AD code (a number, not the text) for an operator', () => {
    const error = classifyLdapError(Object.assign(new Error(`${SAMBA.pwdLastSet} Code: 0x50`), { code: 80 }));

    expect(error).toMatchObject({
      code: ResultCode.ConfigurationError,
      detail: 'unexpected directory result 80 (00000057)',
    });
    expect(error.detail).not.toMatch(/pwdLastSet|password_hash/);
  });

  it('never carries a DN from an AD message into the detail', () => {
    const error = classifyLdapError(new InsufficientAccessError(SAMBA.noWriteAccess), { operation: 'modify' });

    expect(JSON.stringify([error.detail, error.message])).not.toMatch(/Felix|OU=People/);
  });

  it('classifies an untrusted chain (UNABLE_TO_VERIFY_LEAF_SIGNATURE) as a TLS configuration error', () => {
    const error = classifyLdapError(systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'));

    expect(error).toMatchObject({
      code: ResultCode.ConfigurationError,
      detail: expect.stringMatching(/TLS/) as unknown,
    });
  });

  describe('a refused service-account bind (49), by its data code', () => {
    it.each([
      ['52e', 'the directory refused the service account’s credentials (wrong DN or password)'],
      ['525', 'the directory does not know the service account (check its DN)'],
      ['533', 'the service account is disabled'],
      ['532', 'the service account’s password expired'],
      ['701', 'the service account has expired'],
      ['773', 'the service account’s password must be changed before it can be used'],
      ['775', 'the service account is locked out'],
    ])('data %s: ConfigurationError, "%s"', (data, detail) => {
      const error = classifyLdapError(new InvalidCredentialsError(SAMBA.bind(data)), { operation: 'service-bind' });

      expect(error).toMatchObject({ code: ResultCode.ConfigurationError, detail, ldapResultCode: 49 });
    });
  });

  describe('a refused user bind (49), by its data code', () => {
    it.each([
      ['52e', ResultCode.InvalidCredentials, undefined],
      ['775', ResultCode.RejectedByPolicy, PolicyReason.Locked],
      ['533', ResultCode.AccountDisabled, undefined],
      ['701', ResultCode.AccountDisabled, undefined],
      ['532', ResultCode.RejectedByPolicy, PolicyReason.Other],
      ['773', ResultCode.RejectedByPolicy, PolicyReason.Other],
    ])('data %s: %s', (data, code, reason) => {
      const error = classifyLdapError(new InvalidCredentialsError(SAMBA.bind(data)), { operation: 'user-bind' });

      expect(error).toMatchObject({ code, reason });
    });
  });
});

describe('adBindFailure', () => {
  it.each([
    ['52e', CredentialVerdict.Invalid, false],
    ['525', CredentialVerdict.Invalid, false],
    ['532', CredentialVerdict.Expired, true],
    ['533', CredentialVerdict.Disabled, undefined],
    ['701', CredentialVerdict.Expired, undefined],
    ['773', CredentialVerdict.MustChange, true],
    ['775', CredentialVerdict.Locked, undefined],
  ])('reads data %s as verdict %s, password right: %s', (data, verdict, passwordMatches) => {
    expect(adBindFailure(new InvalidCredentialsError(SAMBA.bind(data)))).toEqual({
      dataCode: data,
      verdict,
      passwordMatches,
      serviceDetail: expect.any(String) as unknown,
    });
  });

  it('reads the code case-insensitively', () => {
    expect(adBindFailure(new InvalidCredentialsError(SAMBA.bind('52E')))?.verdict).toBe(CredentialVerdict.Invalid);
  });

  it.each<[string, Error]>([
    ['an OpenLDAP refusal without a data code', new InvalidCredentialsError('Invalid credentials')],
    ['an unknown data code', new InvalidCredentialsError(SAMBA.bind('999'))],
    ['another result code carrying "data 52e"', new UnwillingToPerformError(SAMBA.bind('52e'))],
    ['a socket error', systemError('ECONNRESET')],
  ])('says nothing about %s', (_, err) => {
    expect(adBindFailure(err)).toBeUndefined();
  });
});

import type { ConnectionOptions } from 'node:tls';
import {
  CredentialVerdict,
  DirectoryKind,
  HealthCheckName,
  HealthCheckStatus,
  ResetHistoryPolicy,
  ResultCode,
  type DirectoryTarget,
  type HealthCheck,
  type Secret,
} from '@sspr/contracts';
import {
  Attribute,
  Change,
  Client,
  EqualityFilter,
  FilterParser,
  NoSuchAttributeError,
  PasswordPolicyControl,
  PasswordPolicyError,
  type ClientOptions,
  type Entry,
  type Filter,
} from 'ldapts';
import { assertChangeable, readRetryingOnce, serviceAccountCheck } from './adapter-rules';
import type { DirectoryAdapter, DirectoryHealthReport, DirectoryUser, ResetOptions } from './directory.adapter';
import { classifyLdapError, DirectoryError, isInvalidCredentials, type LdapOperation } from './directory.error';
import { encodePasswordModifyRequest, PASSWORD_MODIFY_OID } from './password-modify';
import { tlsCertificateHealth } from './tls-certificate';

export interface OpenLdapConfig {
  /** ldap://host:port or ldaps://host:port */
  url: string;
  /** The service account: `write` on userPassword, never `manage` (manage bypasses ppolicy). */
  bindDn: string;
  bindPassword: Secret;
  /** Users are looked up by entryUUID under this DN. */
  baseDn: string;
  /** Per directory request (connect, bind, search, write); default 5000 ms. */
  timeoutMs?: number;
  /** Reset and unlock protected accounts too; default false. */
  allowProtectedAccounts?: boolean;
  /** RFC 4515 filter; entries that match it are protected accounts. Default: none are. */
  protectedFilter?: string;
  /** For ldaps:// URLs; the CA that signed the server's certificate when the system store does not have it. */
  tls?: { ca?: string | Buffer | (string | Buffer)[]; servername?: string };
}

const DEFAULT_TIMEOUT_MS = 5000;
/** ppolicy's value for "locked until an administrator unlocks it": a disabled account. */
const PERMANENTLY_LOCKED = '000001010000Z';
const USER_ATTRIBUTES = ['entryUUID', 'pwdAccountLockedTime'];

function firstValue(entry: Entry, name: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * OpenLDAP (slapd with the ppolicy overlay) through ldapts. One bound service connection is shared by all
 * concurrent calls (LDAP multiplexes message ids) and re-bound on first use after it was lost.
 */
export class OpenLdapAdapter implements DirectoryAdapter {
  readonly kind = DirectoryKind.OpenLdap;
  readonly #config: OpenLdapConfig;
  readonly #client: Client;
  readonly #protectedFilter?: Filter;
  #binding?: Promise<void>;
  #closed = false;

  constructor(config: OpenLdapConfig) {
    this.#config = config;
    this.#client = new Client(this.#clientOptions());
    if (config.protectedFilter) {
      try {
        this.#protectedFilter = FilterParser.parseString(config.protectedFilter);
      } catch {
        throw new DirectoryError(
          ResultCode.ConfigurationError,
          'the protected-account filter is not a valid LDAP filter',
        );
      }
    }
  }

  async findUser(target: DirectoryTarget): Promise<DirectoryUser> {
    return this.#read('search', async (client) => {
      let entry: Entry | undefined;
      const anchor = target.immutableId?.toLowerCase();
      if (anchor) {
        const { searchEntries } = await client.search(this.#config.baseDn, {
          scope: 'sub',
          // A Filter object, not a string: the value goes on the wire as raw octets, nothing to escape or inject.
          filter: new EqualityFilter({ attribute: 'entryUUID', value: anchor }),
          sizeLimit: 2,
          attributes: USER_ATTRIBUTES,
        });
        if (searchEntries.length > 1) {
          throw new DirectoryError(ResultCode.UserAmbiguous, 'more than one entry has this anchor');
        }
        entry = searchEntries[0];
      }
      if (!entry) {
        const { searchEntries } = await client.search(target.dn, { scope: 'base', attributes: USER_ATTRIBUTES });
        entry = searchEntries[0];
        if (!entry) throw new DirectoryError(ResultCode.UserNotFound, 'no such entry in the directory');
        if (anchor && firstValue(entry, 'entryUUID')?.toLowerCase() !== anchor) {
          // The DN now names another object (the user was deleted and the name re-used): never touch it.
          throw new DirectoryError(ResultCode.UserNotFound, 'the entry at this DN is not the anchored user');
        }
      }
      const immutableId = firstValue(entry, 'entryUUID')?.toLowerCase();
      if (!immutableId) throw new DirectoryError(ResultCode.ConfigurationError, 'the entry has no readable entryUUID');
      const lockedTime = firstValue(entry, 'pwdAccountLockedTime');
      return {
        dn: entry.dn,
        immutableId,
        disabled: lockedTime === PERMANENTLY_LOCKED,
        locked: lockedTime !== undefined && lockedTime !== PERMANENTLY_LOCKED,
        protected: await this.#isProtected(client, entry.dn),
      };
    });
  }

  async resetPassword(user: DirectoryUser, password: Secret, options: ResetOptions): Promise<void> {
    // slapd's ppolicy clears pwdAccountLockedTime on every password change, the permanent lock included:
    // resetting a disabled account would enable it.
    assertChangeable(user, this.#config.allowProtectedAccounts);
    const client = await this.#service();
    const control = new PasswordPolicyControl();
    const newPassword = Buffer.from(password.reveal(), 'utf8');
    const request = encodePasswordModifyRequest(user.dn, newPassword);
    try {
      await client.exop(PASSWORD_MODIFY_OID, request, control);
    } catch (err) {
      throw classifyLdapError(err, { operation: 'password-modify', passwordPolicyError: control.value?.error });
    } finally {
      newPassword.fill(0);
      request.fill(0);
    }
    try {
      // After the password: ppolicy deletes pwdReset when a non-administrator changes a password.
      if (options.mustChangeAtNextSignIn) await this.#writePwdReset(client, user.dn);
      // slapd 2.5 has already dropped the lock with the password change (whatever `unlock` says); this is for
      // servers that do not, and costs one round trip only for a user who was locked.
      if (options.unlock && user.locked) await this.#removeLock(client, user.dn);
    } catch (err) {
      throw classifyLdapError(err, { operation: 'modify', passwordApplied: true });
    }
  }

  async setMustChange(user: DirectoryUser): Promise<void> {
    assertChangeable(user, this.#config.allowProtectedAccounts);
    const client = await this.#service();
    try {
      await this.#writePwdReset(client, user.dn);
    } catch (err) {
      throw classifyLdapError(err, { operation: 'modify' });
    }
  }

  async unlock(user: DirectoryUser): Promise<void> {
    assertChangeable(user, this.#config.allowProtectedAccounts);
    const client = await this.#service();
    try {
      await this.#removeLock(client, user.dn);
    } catch (err) {
      throw classifyLdapError(err, { operation: 'modify' });
    }
  }

  async holdsPassword(user: DirectoryUser, password: Secret): Promise<boolean> {
    // Never a bind (a failure counts toward lockout) as an account this agent may not change anyway.
    assertChangeable(user, this.#config.allowProtectedAccounts);
    // A simple bind with an empty password is an unauthenticated bind that succeeds (RFC 4513 §5.1.2).
    if (password.length === 0) return false;
    const client = new Client(this.#clientOptions());
    const control = new PasswordPolicyControl();
    try {
      await client.bind(user.dn, password.reveal(), control);
      return true;
    } catch (err) {
      // A locked account refuses every password, so the answer is unknown rather than "no".
      if (isInvalidCredentials(err) && control.value?.error !== PasswordPolicyError.AccountLocked) return false;
      throw classifyLdapError(err, { operation: 'user-bind', passwordPolicyError: control.value?.error });
    } finally {
      await client.unbind().catch(() => undefined); // the answer is known; a failed goodbye changes nothing
    }
  }

  async changePassword(user: DirectoryUser, current: Secret, next: Secret): Promise<void> {
    assertChangeable(user, this.#config.allowProtectedAccounts);
    if (current.length === 0) {
      throw new DirectoryError(ResultCode.InvalidCredentials, 'the current password is not correct');
    }
    const client = new Client(this.#clientOptions());
    const oldPassword = Buffer.from(current.reveal(), 'utf8');
    const newPassword = Buffer.from(next.reveal(), 'utf8');
    const request = encodePasswordModifyRequest(user.dn, newPassword, oldPassword);
    try {
      const bindControl = new PasswordPolicyControl();
      try {
        await client.bind(user.dn, current.reveal(), bindControl);
      } catch (err) {
        throw this.#userBindError(err, bindControl.value?.error);
      }
      // Bound as the user, with oldPasswd: ppolicy applies minimum age, history and quality as to any user change.
      const control = new PasswordPolicyControl();
      try {
        await client.exop(PASSWORD_MODIFY_OID, request, control);
      } catch (err) {
        throw classifyLdapError(err, { operation: 'password-modify', passwordPolicyError: control.value?.error });
      }
    } finally {
      oldPassword.fill(0);
      newPassword.fill(0);
      request.fill(0);
      await client.unbind().catch(() => undefined);
    }
  }

  async verifyCredentials(user: DirectoryUser, password: Secret): Promise<CredentialVerdict> {
    if (user.disabled) return CredentialVerdict.Disabled;
    assertChangeable(user, this.#config.allowProtectedAccounts);
    // An empty password would be an unauthenticated bind that succeeds (RFC 4513 §5.1.2).
    if (password.length === 0) return CredentialVerdict.Invalid;
    const client = new Client(this.#clientOptions());
    const control = new PasswordPolicyControl();
    try {
      await client.bind(user.dn, password.reveal(), control);
      // A successful bind may still carry ppolicy's verdict: the password was reset and must be changed first.
      const policyError = control.value?.error;
      if (policyError === PasswordPolicyError.ChangeAfterReset) return CredentialVerdict.MustChange;
      if (policyError === PasswordPolicyError.PasswordExpired) return CredentialVerdict.Expired;
      return CredentialVerdict.Valid;
    } catch (err) {
      if (!isInvalidCredentials(err)) throw classifyLdapError(err, { operation: 'user-bind' });
      const policyError = control.value?.error;
      if (policyError === PasswordPolicyError.AccountLocked) return CredentialVerdict.Locked;
      if (policyError === PasswordPolicyError.PasswordExpired) return CredentialVerdict.Expired;
      return CredentialVerdict.Invalid;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  async checkHealth(): Promise<DirectoryHealthReport> {
    const checks: HealthCheck[] = [];
    const certificate = await this.#certificateCheck();
    let latencyMs: number;
    try {
      ({ latencyMs } = await this.#read('search', async (client) => {
        const started = performance.now();
        await client.search('', { scope: 'base', attributes: ['1.1'] });
        return { latencyMs: performance.now() - started };
      }));
    } catch (err) {
      const error = classifyLdapError(err, { operation: 'service-bind' });
      const bindRefused = error.code === ResultCode.ConfigurationError && error.ldapResultCode === 49;
      checks.push({
        name: HealthCheckName.BindAccount,
        status: HealthCheckStatus.Fail,
        detail: bindRefused
          ? 'The directory refused the service account’s credentials (expired, disabled or wrong password).'
          : `The directory could not be used: ${error.detail}.`,
      });
      if (certificate) checks.push(certificate);
      return { reachable: false, error, checks };
    }
    checks.push(
      await serviceAccountCheck(async () => {
        const client = new Client(this.#clientOptions());
        try {
          await client.bind(this.#config.bindDn, this.#config.bindPassword.reveal());
        } finally {
          await client.unbind().catch(() => undefined);
        }
      }),
    );
    if (certificate) checks.push(certificate);
    try {
      await this.ping();
      checks.push({
        name: HealthCheckName.ServerCapabilities,
        status: HealthCheckStatus.Pass,
        detail: 'The directory offers the Password Modify operation (RFC 3062).',
      });
    } catch (err) {
      const error = classifyLdapError(err);
      checks.push({ name: HealthCheckName.ServerCapabilities, status: HealthCheckStatus.Fail, detail: error.detail });
      return { reachable: true, latencyMs, error, checks };
    }
    return { reachable: true, latencyMs, checks, resetHistory: ResetHistoryPolicy.Enforced };
  }

  async ping(): Promise<{ latencyMs: number }> {
    return this.#read('search', async (client) => {
      const started = performance.now();
      const { searchEntries } = await client.search('', { scope: 'base', attributes: ['supportedExtension'] });
      const latencyMs = performance.now() - started;
      const root = searchEntries[0];
      const extensions = root?.supportedExtension;
      const supported = Array.isArray(extensions) ? extensions.map(String) : [String(extensions)];
      if (!supported.includes(PASSWORD_MODIFY_OID)) {
        throw new DirectoryError(
          ResultCode.ConfigurationError,
          'the directory does not offer the Password Modify operation',
        );
      }
      return { latencyMs };
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client.unbind();
  }

  /** tls_certificate, for a connection that uses TLS (ldaps://, or TLS options given). */
  async #certificateCheck(): Promise<HealthCheck | undefined> {
    const { url, tlsOptions, timeout } = this.#clientOptions();
    if (!url.startsWith('ldaps:') && tlsOptions === undefined) return undefined;
    return tlsCertificateHealth({
      url,
      startTls: false,
      tls: tlsOptions ?? {},
      timeoutMs: timeout ?? DEFAULT_TIMEOUT_MS,
    });
  }

  #clientOptions(): ClientOptions {
    const timeout = this.#config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const options: ClientOptions = { url: this.#config.url, timeout, connectTimeout: timeout };
    // ldapts switches to TLS whenever tlsOptions has a defined value, so set it only when asked.
    const { ca, servername } = this.#config.tls ?? {};
    if (ca !== undefined || servername !== undefined) {
      const tlsOptions: ConnectionOptions = { minVersion: 'TLSv1.2' };
      if (ca !== undefined) tlsOptions.ca = ca;
      if (servername !== undefined) tlsOptions.servername = servername;
      options.tlsOptions = tlsOptions;
    }
    return options;
  }

  /**
   * The bound service connection. Concurrent callers share one bind; ldapts would otherwise reconnect
   * unauthenticated (and open one socket per caller) when an operation finds the connection gone.
   */
  async #service(): Promise<Client> {
    if (this.#closed) throw new DirectoryError(ResultCode.ConfigurationError, 'the directory adapter is closed');
    if (this.#client.isBound) return this.#client;
    this.#binding ??= this.#bindService().finally(() => {
      this.#binding = undefined;
    });
    await this.#binding;
    return this.#client;
  }

  async #bindService(): Promise<void> {
    try {
      await this.#client.bind(this.#config.bindDn, this.#config.bindPassword.reveal());
    } catch (err) {
      throw classifyLdapError(err, { operation: 'service-bind' });
    }
  }

  /** A read on the shared connection, tried once more if a connection that was up turned out to be dead. */
  async #read<T>(operation: LdapOperation, work: (client: Client) => Promise<T>): Promise<T> {
    return readRetryingOnce(this.#client.isBound, operation, async () => work(await this.#service()));
  }

  async #isProtected(client: Client, dn: string): Promise<boolean> {
    if (!this.#protectedFilter) return false;
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      filter: this.#protectedFilter,
      attributes: ['1.1'],
    });
    return searchEntries.length > 0;
  }

  /** A bind as the user that failed, as the verdict of a user change. */
  #userBindError(err: unknown, policyError: number | undefined): DirectoryError {
    if (isInvalidCredentials(err) && policyError !== PasswordPolicyError.AccountLocked) {
      return new DirectoryError(ResultCode.InvalidCredentials, 'the current password is not correct', {
        ldapResultCode: 49,
      });
    }
    return classifyLdapError(err, { operation: 'user-bind', passwordPolicyError: policyError });
  }

  /** slapd enforces pwdReset only under a policy with pwdMustChange TRUE; a `write` ACL on pwdReset is enough. */
  async #writePwdReset(client: Client, dn: string): Promise<void> {
    await client.modify(
      dn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdReset', values: ['TRUE'] }) }),
    );
  }

  /**
   * Deleting pwdAccountLockedTime (a `write` ACL on that attribute is enough) makes ppolicy drop pwdFailureTime in
   * the same write; replacing it with no value would leave the failures counted. No such attribute: not locked.
   */
  async #removeLock(client: Client, dn: string): Promise<void> {
    try {
      await client.modify(
        dn,
        new Change({ operation: 'delete', modification: new Attribute({ type: 'pwdAccountLockedTime' }) }),
      );
    } catch (err) {
      if (err instanceof NoSuchAttributeError) return;
      throw err;
    }
  }
}

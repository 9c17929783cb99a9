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
import { AndFilter, Attribute, Change, EqualityFilter, type Client, type Entry } from 'ldapts';
import { assertChangeable, readRetryingOnce, serviceAccountCheck } from './adapter-rules';
import type { DirectoryAdapter, DirectoryHealthReport, DirectoryUser, ResetOptions } from './directory.adapter';
import { adBindFailure, classifyLdapError, DirectoryError, type LdapOperation } from './directory.error';
import { isObjectGuidString, objectGuidFromString, objectGuidToString } from './object-guid';
import {
  decidePolicyHints,
  PolicyHintsControl,
  type PolicyHintsDecision,
  type PolicyHintsMode,
} from './policy-hints.control';
import { SecureConnection } from './secure-connection';
import { tlsCertificateHealth } from './tls-certificate';

export interface ActiveDirectoryConfig {
  /**
   * ldaps://dc:636, or ldap://dc:389 with `startTls`. AD takes a password only over an encrypted connection and
   * the adapter never opens a plain one: a plain ldap:// URL without StartTLS is refused when it is constructed.
   */
  url: string;
  /** Upgrade an ldap:// connection with StartTLS before anything else is sent. */
  startTls?: boolean;
  /** The service account (DN, UPN or DOMAIN\name): Reset Password, write pwdLastSet and lockoutTime, read. */
  bindDn: string;
  bindPassword: Secret;
  /** Users are looked up by objectGUID under this DN. */
  baseDn: string;
  /** Per directory request (connect, bind, search, write); default 5000 ms. */
  timeoutMs?: number;
  /** Reset, unlock and verify protected accounts (adminCount=1) too; default false. */
  allowProtectedAccounts?: boolean;
  /** Default `enforce-if-supported`. */
  policyHints?: PolicyHintsMode;
  /** The CA that signed the DC's certificate when the system store lacks it; the name the certificate carries. */
  tls?: { ca?: string | Buffer | (string | Buffer)[]; servername?: string };
}

const DEFAULT_TIMEOUT_MS = 5000;
/** userAccountControl ACCOUNTDISABLE. */
const UF_ACCOUNTDISABLE = 0x2;
/** msDS-User-Account-Control-Computed UF_LOCKOUT: locked now, lockoutDuration taken into account by the DC. */
const UF_LOCKOUT = 0x10;
const USER_ATTRIBUTES = [
  'objectGUID',
  'userAccountControl',
  'msDS-User-Account-Control-Computed',
  'lockoutTime',
  'adminCount',
];

function firstValue(entry: Entry, name: string): string | Buffer | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  return Array.isArray(value) ? value[0] : value;
}

function integer(entry: Entry, name: string): bigint | undefined {
  const value = firstValue(entry, name);
  if (value === undefined) return undefined;
  try {
    return BigInt(value.toString());
  } catch {
    return undefined;
  }
}

/** "password" as AD wants it in unicodePwd: quoted, UTF-16LE, and kept a Buffer (zero it after use). */
function unicodePwd(password: Secret): Buffer {
  return Buffer.from(`"${password.reveal()}"`, 'utf16le');
}

function replace(type: string, value: string | Buffer): Change {
  const values = Buffer.isBuffer(value) ? [value] : [value];
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

function validate(config: ActiveDirectoryConfig): void {
  let scheme: string;
  try {
    scheme = new URL(config.url).protocol;
  } catch {
    throw new DirectoryError(ResultCode.ConfigurationError, 'the directory URL is not a valid URL');
  }
  if (scheme === 'ldaps:' && config.startTls) {
    throw new DirectoryError(
      ResultCode.ConfigurationError,
      'StartTLS is for ldap:// URLs; an ldaps:// URL is encrypted from the start',
    );
  }
  if (scheme === 'ldap:' && !config.startTls) {
    throw new DirectoryError(
      ResultCode.ConfigurationError,
      'Active Directory takes passwords only over an encrypted connection, and the agent never sends one in ' +
        'clear: use an ldaps:// URL, or turn on StartTLS for this ldap:// URL',
    );
  }
  if (scheme !== 'ldap:' && scheme !== 'ldaps:') {
    throw new DirectoryError(ResultCode.ConfigurationError, 'the directory URL must start with ldaps:// or ldap://');
  }
}

/**
 * Active Directory (Windows or Samba AD DC) through ldapts, over LDAPS or StartTLS only. One bound service
 * connection is shared by all concurrent calls and re-bound on first use after it was lost; user binds (verify,
 * change) use a fresh connection each.
 */
export class ActiveDirectoryAdapter implements DirectoryAdapter {
  readonly kind = DirectoryKind.ActiveDirectory;
  readonly #config: ActiveDirectoryConfig;
  readonly #tls: ConnectionOptions;
  readonly #service: SecureConnection;
  #binding?: Promise<void>;
  /** From the rootDSE's supportedControl, read at each service bind. */
  #policyHints?: PolicyHintsDecision;
  #closed = false;

  constructor(config: ActiveDirectoryConfig) {
    validate(config);
    this.#config = config;
    // minVersion is always set: ldapts takes TLS from an ldaps:// URL or any defined tlsOptions value.
    this.#tls = { minVersion: 'TLSv1.2' };
    if (config.tls?.ca !== undefined) this.#tls.ca = config.tls.ca;
    if (config.tls?.servername !== undefined) this.#tls.servername = config.tls.servername;
    this.#service = this.#connection();
  }

  async findUser(target: DirectoryTarget): Promise<DirectoryUser> {
    const anchor = target.immutableId;
    if (anchor !== undefined && anchor !== '' && !isObjectGuidString(anchor)) {
      throw new DirectoryError(ResultCode.UserNotFound, 'the anchor is not an Active Directory objectGUID');
    }
    return this.#read('search', async (client) => {
      const isUser = new EqualityFilter({ attribute: 'objectClass', value: 'user' });
      const searchOptions = { attributes: USER_ATTRIBUTES, explicitBufferAttributes: ['objectGUID'] };
      let entry: Entry | undefined;
      if (anchor) {
        const { searchEntries } = await client.search(this.#config.baseDn, {
          ...searchOptions,
          scope: 'sub',
          // The 16 bytes themselves: a Filter object puts them on the wire as they are, nothing to escape.
          filter: new AndFilter({
            filters: [isUser, new EqualityFilter({ attribute: 'objectGUID', value: objectGuidFromString(anchor) })],
          }),
          sizeLimit: 2,
        });
        if (searchEntries.length > 1) {
          throw new DirectoryError(ResultCode.UserAmbiguous, 'more than one entry has this anchor');
        }
        entry = searchEntries[0];
      }
      if (!entry) {
        const { searchEntries } = await client.search(target.dn, { ...searchOptions, scope: 'base', filter: isUser });
        entry = searchEntries[0];
        if (!entry) throw new DirectoryError(ResultCode.UserNotFound, 'no user at this DN in the directory');
        if (anchor && this.#guid(entry) !== anchor.toLowerCase()) {
          // The DN now names another object (the user was deleted and the name re-used): never touch it.
          throw new DirectoryError(ResultCode.UserNotFound, 'the entry at this DN is not the anchored user');
        }
      }
      const userAccountControl = integer(entry, 'userAccountControl') ?? 0n;
      const computed = integer(entry, 'msDS-User-Account-Control-Computed');
      return {
        dn: entry.dn,
        immutableId: this.#guid(entry),
        disabled: (userAccountControl & BigInt(UF_ACCOUNTDISABLE)) !== 0n,
        // A lock ends by itself after lockoutDuration, while lockoutTime keeps its value until the next bind or
        // unlock; the computed flag is the DC's own answer. lockoutTime only for a DC that does not compute it.
        locked:
          computed === undefined ? (integer(entry, 'lockoutTime') ?? 0n) > 0n : (computed & BigInt(UF_LOCKOUT)) !== 0n,
        protected: integer(entry, 'adminCount') === 1n,
      };
    });
  }

  async resetPassword(user: DirectoryUser, password: Secret, options: ResetOptions): Promise<void> {
    assertChangeable(user, this.#config.allowProtectedAccounts);
    const client = await this.#serviceClient();
    const control = this.#policyHintsControl(this.#policyHints);
    const value = unicodePwd(password);
    // One modify: the password, "must change" and the unlock apply together or not at all. An admin reset does
    // not unlock an AD account by itself.
    const changes = [replace('unicodePwd', value)];
    if (options.mustChangeAtNextSignIn) changes.push(replace('pwdLastSet', '0'));
    if (options.unlock) changes.push(replace('lockoutTime', '0'));
    try {
      await client.modify(user.dn, changes, control);
    } catch (err) {
      throw classifyLdapError(err, { operation: 'modify' });
    } finally {
      value.fill(0);
    }
  }

  async setMustChange(user: DirectoryUser): Promise<void> {
    assertChangeable(user, this.#config.allowProtectedAccounts);
    await this.#write(user.dn, replace('pwdLastSet', '0'));
  }

  async unlock(user: DirectoryUser): Promise<void> {
    assertChangeable(user, this.#config.allowProtectedAccounts);
    if (!user.locked) return;
    await this.#write(user.dn, replace('lockoutTime', '0'));
  }

  async holdsPassword(user: DirectoryUser, password: Secret): Promise<boolean> {
    // Never a bind (a failure counts toward lockout) as an account this agent may not change anyway.
    assertChangeable(user, this.#config.allowProtectedAccounts);
    // A simple bind with an empty password is an unauthenticated bind that succeeds (RFC 4513 §5.1.2).
    if (password.length === 0) return false;
    const connection = this.#connection();
    try {
      await connection.open();
      await connection.client.bind(user.dn, password.reveal());
      return true;
    } catch (err) {
      // 52e: wrong. 773 (must change) and 532 (expired): right, the DC checks them after the password.
      // 775 (locked) refuses every password: the answer is unknown, so it throws.
      const matches = adBindFailure(err)?.passwordMatches;
      if (matches !== undefined) return matches;
      throw classifyLdapError(err, { operation: 'user-bind' });
    } finally {
      await connection.close();
    }
  }

  async changePassword(user: DirectoryUser, current: Secret, next: Secret): Promise<void> {
    assertChangeable(user, this.#config.allowProtectedAccounts);
    if (current.length === 0) {
      throw new DirectoryError(ResultCode.InvalidCredentials, 'the current password is not correct');
    }
    const connection = this.#connection();
    const oldValue = unicodePwd(current);
    const newValue = unicodePwd(next);
    // Delete the old value and add the new one in one modify: AD's "change" (not "reset"), to which it applies
    // the history, the minimum age and the old password's check, whoever is bound.
    const changes = [
      new Change({ operation: 'delete', modification: new Attribute({ type: 'unicodePwd', values: [oldValue] }) }),
      new Change({ operation: 'add', modification: new Attribute({ type: 'unicodePwd', values: [newValue] }) }),
    ];
    try {
      let client = connection.client;
      try {
        await connection.open();
        await client.bind(user.dn, current.reveal());
      } catch (err) {
        const failure = adBindFailure(err);
        // A user who must change the password (773), or whose password expired (532), cannot bind: that is why
        // they change it. The bind said the password is right; the change itself goes over the service
        // connection (every account may change a password it knows: "Change Password" is granted to Everyone).
        if (failure?.passwordMatches !== true) {
          throw failure?.passwordMatches === false
            ? new DirectoryError(ResultCode.InvalidCredentials, 'the current password is not correct', {
                ldapResultCode: 49,
              })
            : classifyLdapError(err, { operation: 'user-bind' });
        }
        client = await this.#serviceClient();
      }
      try {
        await client.modify(user.dn, changes);
      } catch (err) {
        throw classifyLdapError(err, { operation: 'modify' });
      }
    } finally {
      oldValue.fill(0);
      newValue.fill(0);
      await connection.close();
    }
  }

  async verifyCredentials(user: DirectoryUser, password: Secret): Promise<CredentialVerdict> {
    if (user.disabled) return CredentialVerdict.Disabled;
    assertChangeable(user, this.#config.allowProtectedAccounts);
    // An empty password would be an unauthenticated bind that succeeds (RFC 4513 §5.1.2).
    if (password.length === 0) return CredentialVerdict.Invalid;
    const connection = this.#connection();
    try {
      await connection.open();
      await connection.client.bind(user.dn, password.reveal());
      return CredentialVerdict.Valid;
    } catch (err) {
      const failure = adBindFailure(err);
      if (failure) return failure.verdict;
      throw classifyLdapError(err, { operation: 'user-bind' });
    } finally {
      await connection.close();
    }
  }

  async ping(): Promise<{ latencyMs: number }> {
    return this.#read('search', async (client) => {
      const started = performance.now();
      await client.search('', { scope: 'base', attributes: ['1.1'] });
      return { latencyMs: performance.now() - started };
    });
  }

  async checkHealth(): Promise<DirectoryHealthReport> {
    const checks: HealthCheck[] = [];
    const certificate = await tlsCertificateHealth({
      url: this.#config.url,
      startTls: this.#config.startTls === true,
      tls: this.#tls,
      timeoutMs: this.#timeoutMs(),
    });
    let latencyMs: number;
    try {
      ({ latencyMs } = await this.ping());
    } catch (err) {
      const error = classifyLdapError(err, { operation: 'service-bind' });
      checks.push({
        name: HealthCheckName.BindAccount,
        status: HealthCheckStatus.Fail,
        detail: `The directory could not be used: ${error.detail}.`,
      });
      if (certificate) checks.push(certificate);
      return { reachable: false, error, checks };
    }
    checks.push(
      await serviceAccountCheck(async () => {
        const connection = this.#connection();
        try {
          await connection.open();
          await connection.client.bind(this.#config.bindDn, this.#config.bindPassword.reveal());
        } finally {
          await connection.close();
        }
      }),
    );
    if (certificate) checks.push(certificate);
    const policyHints = this.#policyHints;
    if (policyHints) checks.push(this.#capabilitiesCheck(policyHints));
    return { reachable: true, latencyMs, checks, resetHistory: policyHints?.resetHistory };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#service.close();
  }

  #timeoutMs(): number {
    return this.#config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  #connection(): SecureConnection {
    return new SecureConnection(this.#config.url, this.#config.startTls === true, this.#tls, this.#timeoutMs());
  }

  #guid(entry: Entry): string {
    const guid = firstValue(entry, 'objectGUID');
    if (!Buffer.isBuffer(guid) || guid.length !== 16) {
      throw new DirectoryError(ResultCode.ConfigurationError, 'the entry has no readable objectGUID');
    }
    return objectGuidToString(guid);
  }

  /** The bound service connection; concurrent callers share one bind (see the OpenLDAP adapter). */
  async #serviceClient(): Promise<Client> {
    if (this.#closed) throw new DirectoryError(ResultCode.ConfigurationError, 'the directory adapter is closed');
    if (this.#service.client.isBound) return this.#service.client;
    this.#binding ??= this.#bindService().finally(() => {
      this.#binding = undefined;
    });
    await this.#binding;
    return this.#service.client;
  }

  async #bindService(): Promise<void> {
    const client = this.#service.client;
    try {
      await this.#service.open();
      await client.bind(this.#config.bindDn, this.#config.bindPassword.reveal());
    } catch (err) {
      throw classifyLdapError(err, { operation: 'service-bind' });
    }
    // Read on every (re)bind: after a reconnect the DC may be another one, or upgraded.
    try {
      const { searchEntries } = await client.search('', { scope: 'base', attributes: ['supportedControl'] });
      const value = searchEntries[0]?.supportedControl;
      const listed = (Array.isArray(value) ? value : [value]).map(String);
      this.#policyHints = decidePolicyHints(listed, this.#config.policyHints ?? 'enforce-if-supported');
    } catch (err) {
      throw classifyLdapError(err, { operation: 'search' });
    }
  }

  /** The control to send with an admin reset, or undefined; throws when resets are refused without one. */
  #policyHintsControl(decision: PolicyHintsDecision | undefined): PolicyHintsControl | undefined {
    if (decision?.oid !== undefined) return new PolicyHintsControl(decision.oid);
    if (decision?.resetHistory === ResetHistoryPolicy.Refused) {
      throw new DirectoryError(
        ResultCode.ConfigurationError,
        'the domain controller does not support password-history enforcement on reset (LDAP_SERVER_POLICY_HINTS), ' +
          'which the configuration requires',
      );
    }
    return undefined;
  }

  #capabilitiesCheck({ oid, resetHistory }: PolicyHintsDecision): HealthCheck {
    const name = HealthCheckName.ServerCapabilities;
    switch (resetHistory) {
      case ResetHistoryPolicy.Enforced:
        return {
          name,
          status: HealthCheckStatus.Pass,
          detail: `The domain controller offers LDAP_SERVER_POLICY_HINTS (${oid}): admin resets are checked against the password history.`,
        };
      case ResetHistoryPolicy.NotEnforced:
        return {
          name,
          status: HealthCheckStatus.Warn,
          detail:
            'The domain controller does not offer LDAP_SERVER_POLICY_HINTS: admin resets are not checked against ' +
            'the password history (policy hints: enforce-if-supported).',
        };
      case ResetHistoryPolicy.Refused:
        return {
          name,
          status: HealthCheckStatus.Fail,
          detail:
            'The domain controller does not offer LDAP_SERVER_POLICY_HINTS and the configuration requires it: ' +
            'admin resets are refused.',
        };
    }
  }

  /** A read on the shared connection, tried once more if a connection that was up turned out to be dead. */
  async #read<T>(operation: LdapOperation, work: (client: Client) => Promise<T>): Promise<T> {
    return readRetryingOnce(this.#service.client.isBound, operation, async () => work(await this.#serviceClient()));
  }

  async #write(dn: string, change: Change): Promise<void> {
    const client = await this.#serviceClient();
    try {
      await client.modify(dn, change);
    } catch (err) {
      throw classifyLdapError(err, { operation: 'modify' });
    }
  }
}

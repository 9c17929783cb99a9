import type { ConnectionOptions } from 'node:tls';
import { ResultCode, type Secret } from '@sspr/contracts';
import { Client, type ClientOptions, type Control, type Entry, type Filter } from 'ldapts';
import { classifyLdapError, DirectoryError, type LdapOperation } from '../directory.error';

/** How a sync source reaches the directory: the service account, read-only use. */
export interface SyncConnectionConfig {
  /** ldap://host:port (plain or with StartTLS) or ldaps://host:port */
  url: string;
  bindDn: string;
  bindPassword: Secret;
  /** Per directory request (connect, bind, one page of a search); default 5000 ms. */
  timeoutMs?: number;
  /** Upgrade an ldap:// connection with StartTLS before the bind. */
  startTls?: boolean;
  /**
   * The CA that signed the server's certificate when the system store lacks it, and the name the certificate carries
   * when the URL's host is not in it (e.g. 127.0.0.1 → dc1.example.test). Without `startTls`, TLS from the first byte.
   */
  tls?: { ca?: string | Buffer | (string | Buffer)[]; servername?: string };
  /** Entries per page of a paged search; default 500. */
  pageSize?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_PAGE_SIZE = 500;

/** The sync's own reading of a failed search; everything else is the adapter's one classification. */
export function classifySyncError(err: unknown, operation: LdapOperation = 'search'): DirectoryError {
  const error = classifyLdapError(err, { operation });
  const code = error.ldapResultCode;
  if (code === 4) {
    return new DirectoryError(
      ResultCode.ConfigurationError,
      'the directory stopped a paged search at its size limit: let the service account page through every entry ' +
        '(slapd: limits dn.exact="<service DN>" size.prtotal=unlimited)',
      { ldapResultCode: code },
    );
  }
  if (code === 32 || code === 34) {
    return new DirectoryError(ResultCode.ConfigurationError, 'the sync base DN does not exist or is not valid', {
      ldapResultCode: code,
    });
  }
  return error;
}

export interface PagedSearch {
  filter: Filter;
  attributes: string[];
  scope?: 'base' | 'one' | 'sub';
  explicitBufferAttributes?: string[];
  controls?: Control[];
}

/** One bound connection for the length of one sync run; a run that loses it fails as a whole and is retried whole. */
export class SyncConnection {
  readonly #client: Client;
  readonly #pageSize: number;

  private constructor(client: Client, pageSize: number) {
    this.#client = client;
    this.#pageSize = pageSize;
  }

  /** Connects (StartTLS if configured) and binds as the service account; throws DirectoryError. */
  static async open(config: SyncConnectionConfig): Promise<SyncConnection> {
    const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const options: ClientOptions = { url: config.url, timeout, connectTimeout: timeout };
    const { startTls } = config;
    const { ca, servername } = config.tls ?? {};
    const tlsOptions: ConnectionOptions = { minVersion: 'TLSv1.2' };
    if (ca !== undefined) tlsOptions.ca = ca;
    if (servername !== undefined) tlsOptions.servername = servername;
    // ldapts speaks TLS from the first byte whenever tlsOptions is set: only for ldaps:// or TLS without StartTLS.
    if (!startTls && (config.url.toLowerCase().startsWith('ldaps:') || ca !== undefined || servername !== undefined)) {
      options.tlsOptions = tlsOptions;
    }
    const client = new Client(options);
    try {
      if (startTls) await client.startTLS(tlsOptions);
      await client.bind(config.bindDn, config.bindPassword.reveal());
    } catch (err) {
      await client.unbind().catch(() => undefined); // the bind's error is the one that matters
      throw classifySyncError(err, 'service-bind');
    }
    return new SyncConnection(client, config.pageSize ?? DEFAULT_PAGE_SIZE);
  }

  /** A paged search, page by page (ldapts' Simple Paged Results); throws DirectoryError. */
  async *pages(baseDn: string, search: PagedSearch): AsyncGenerator<Entry[]> {
    try {
      const pages = this.#client.searchPaginated(
        baseDn,
        {
          scope: search.scope ?? 'sub',
          filter: search.filter,
          attributes: search.attributes,
          explicitBufferAttributes: search.explicitBufferAttributes,
          paged: { pageSize: this.#pageSize },
        },
        search.controls,
      );
      for await (const page of pages) yield page.searchEntries;
    } catch (err) {
      throw classifySyncError(err);
    }
  }

  /** One entry (a base search), or undefined when it does not exist; throws DirectoryError for anything else. */
  async read(
    dn: string,
    attributes: string[],
    options: { explicitBufferAttributes?: string[]; controls?: Control[] } = {},
  ): Promise<Entry | undefined> {
    try {
      const { searchEntries } = await this.#client.search(
        dn,
        { scope: 'base', attributes, explicitBufferAttributes: options.explicitBufferAttributes },
        options.controls,
      );
      return searchEntries[0];
    } catch (err) {
      const error = classifyLdapError(err, { operation: 'search' });
      if (error.ldapResultCode === 32) return undefined;
      throw classifySyncError(err);
    }
  }

  async close(): Promise<void> {
    await this.#client.unbind().catch(() => undefined); // the run's answer is known; a failed goodbye changes nothing
  }
}

/** Opens a connection, runs `work` on it and closes it, whatever happens. */
export async function withSyncConnection<T>(
  config: SyncConnectionConfig,
  work: (connection: SyncConnection) => Promise<T>,
): Promise<T> {
  const connection = await SyncConnection.open(config);
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

function valuesOf(entry: Entry, name: string): (string | Buffer)[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first value of an attribute as text (attribute names compared without case); undefined when absent. */
export function firstString(entry: Entry, name: string): string | undefined {
  const first = valuesOf(entry, name)[0];
  return first === undefined ? undefined : first.toString();
}

/** Every value of an attribute as text. */
export function allStrings(entry: Entry, name: string): string[] {
  return valuesOf(entry, name).map((value) => value.toString());
}

/** The first value of an attribute requested with explicitBufferAttributes; undefined unless it came as bytes. */
export function firstBuffer(entry: Entry, name: string): Buffer | undefined {
  const first = valuesOf(entry, name)[0];
  // A value already decoded as UTF-8 has lost its bytes: better no value than a wrong one.
  return Buffer.isBuffer(first) ? first : undefined;
}

import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { ResultCode } from '@sspr/contracts';
import { Client, type ClientOptions } from 'ldapts';
import { DirectoryError } from './directory.error';

/**
 * An ldapts client whose transport is TLS before anything is sent: ldaps://, or ldap:// upgraded with StartTLS in
 * open(). ldapts reconnects on its own when a connection drops, in clear for an ldap:// URL; here a plain socket
 * is opened only inside open(), so a dropped StartTLS connection fails (unreachable, retried by a fresh open())
 * instead of carrying the next bind or password in clear.
 */
export class SecureConnection {
  readonly client: Client;
  #plainAllowed = false;

  constructor(
    url: string,
    private readonly startTls: boolean,
    private readonly tls: ConnectionOptions,
    timeoutMs: number,
  ) {
    const options: ClientOptions = { url, timeout: timeoutMs, connectTimeout: timeoutMs };
    if (startTls) options.createConnection = this.#plainSocket.bind(this) as ClientOptions['createConnection'];
    else options.tlsOptions = tls;
    this.client = new Client(options);
  }

  /** Connects (StartTLS: a new connection, upgraded before it is used). LDAPS connects on first use. */
  async open(): Promise<void> {
    if (!this.startTls) return;
    await this.client.unbind(); // a connection left unbound by a failed bind is closed, not upgraded twice
    this.#plainAllowed = true;
    try {
      await this.client.startTLS({ ...this.tls });
    } finally {
      this.#plainAllowed = false;
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined); // nothing depends on a clean goodbye
  }

  #plainSocket(port: number, host: string): Socket {
    if (!this.#plainAllowed) {
      throw new DirectoryError(ResultCode.DirectoryUnreachable, 'the encrypted directory connection was lost');
    }
    this.#plainAllowed = false;
    return netConnect(port, host);
  }
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { AMQP_URL, AMQP_URL_FROM_ENV } from './env';

export interface TestVhost {
  /** AMQP URL whose path is the vhost. */
  url: string;
  vhost: string;
  /**
   * Unique per call. Isolation comes from the vhost; when the harness could not create one (see createTestVhost),
   * prefix every exchange and queue name with this instead.
   */
  prefix: string;
  delete(): Promise<void>;
}

const run = promisify(execFile);

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', ['--quiet', ...args]);
}

/**
 * A fresh RabbitMQ vhost on the broker of AMQP_URL (default local guest/guest) with full permissions for the URL's
 * user, made with `rabbitmqctl` (root or the Erlang cookie needed; about 0.5 s per call). When AMQP_URL points to a
 * broker this machine cannot administer (no rabbitmqctl), it returns that URL's own vhost and relies on `prefix`.
 */
export async function createTestVhost(): Promise<TestVhost> {
  const prefix = `sspr-test-${randomBytes(6).toString('hex')}`;
  const base = new URL(AMQP_URL);
  const user = decodeURIComponent(base.username || 'guest');
  try {
    await rabbitmqctl('add_vhost', prefix);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && AMQP_URL_FROM_ENV) {
      const vhost = decodeURIComponent(base.pathname.slice(1)) || '/';
      return { url: AMQP_URL_FROM_ENV, vhost, prefix, delete: () => Promise.resolve() };
    }
    throw err;
  }
  await rabbitmqctl('set_permissions', '-p', prefix, user, '.*', '.*', '.*');
  const url = new URL(base.toString());
  url.pathname = `/${encodeURIComponent(prefix)}`;
  return { url: url.toString(), vhost: prefix, prefix, delete: () => rabbitmqctl('delete_vhost', prefix) };
}

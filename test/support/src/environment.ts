import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudApi } from './cloud-api';
import { createTestDatabase } from './postgres';
import { createTestVhost } from './rabbitmq';
import {
  openLdapUnderTest,
  sambaUnderTest,
  type DirectoryPerson,
  type DirectoryUnderTest,
} from './directory-under-test';
import { startSamba } from './samba';
import { startSlapd, type SeedUser, type SlapdHandle } from './slapd';
import { Stack, type DirectoryEndpoint, type SyncedUser } from './stack';
import { freePort } from './free-port';
import type { NodeProcess } from './processes';

export interface EnvironmentOptions {
  deadlineMs?: number;
  heartbeatIntervalMs?: number;
  /** How many seeded directory users to import as synced users (default: all). */
  users?: number;
  logLevel?: string;
  /** More agent environment (e.g. SYNC_INTERVAL_MS). */
  agentEnv?: Record<string, string>;
}

/**
 * Everything an end-to-end test needs, fresh and private: slapd seeded from the fixtures, a database,
 * a vhost, the cloud and one registered, running agent, a tenant with the directory's users imported.
 */
export interface Environment {
  slapd: SlapdHandle;
  stack: Stack;
  admin: CloudApi;
  tenantId: string;
  agent: NodeProcess;
  users: SyncedUser[];
  databaseUrl: string;
  amqpUrl: string;
  workDir: string;
  teardown(): Promise<void>;
}

export async function startEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const slapd = await startSlapd();
  const people = slapd.users.slice(0, options.users ?? slapd.users.length);
  const started = await startStackFor(slapd, people, () => slapd.destroy(), 'e2e', options);
  return { ...started, slapd };
}

/**
 * The rest of an environment around a directory already started: a database, a vhost, the cloud, a tenant
 * with `people` imported as synced users and one running agent. Owns `destroyDirectory` from here on: it is
 * called by the teardown, or at once if anything here fails.
 */
async function startStackFor<U extends SeedUser | DirectoryPerson>(
  endpoint: DirectoryEndpoint,
  people: U[],
  destroyDirectory: () => Promise<void>,
  name: string,
  options: EnvironmentOptions,
) {
  const cleanups: (() => Promise<void>)[] = [destroyDirectory];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const workDir = mkdtempSync(join(tmpdir(), `sspr-${name}-`));
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const vhost = await createTestVhost();
    cleanups.push(() => vhost.delete());
    const stack = new Stack({
      databaseUrl: database.url,
      amqpUrl: vhost.url,
      directory: endpoint,
      workDir,
      cloudPort: await freePort(),
      deadlineMs: options.deadlineMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      logLevel: options.logLevel,
      agentEnv: options.agentEnv,
    });
    cleanups.push(() => stack.stop());
    await stack.startCloud();
    const { tenantId, admin, users, agent } = await stack.provisionTenant(`${name}-${Date.now()}`, people);
    return { stack, admin, tenantId, agent, users, databaseUrl: database.url, amqpUrl: vhost.url, workDir, teardown };
  } catch (err) {
    await teardown();
    throw err;
  }
}

export interface DirectoryEnvironment {
  directory: DirectoryUnderTest;
  stack: Stack;
  admin: CloudApi;
  tenantId: string;
  agent: NodeProcess;
  /** The directory's people imported as synced users (none when `imported: 0`: sync brings them). */
  people: (DirectoryPerson & { id: string })[];
  teardown(): Promise<void>;
}

export interface DirectoryEnvironmentOptions extends EnvironmentOptions {
  kind: 'openldap' | 'active_directory';
  /** A directory the caller started (of `kind`); the environment tears it down with the rest. */
  directory?: DirectoryUnderTest;
}

/**
 * Like startEnvironment, for either directory: slapd or a Samba AD DC started by the harness, the cloud and
 * one agent configured for it, a tenant with `users` of the directory's people imported through the admin API.
 */
export async function startDirectoryEnvironment(options: DirectoryEnvironmentOptions): Promise<DirectoryEnvironment> {
  const directory =
    options.directory ??
    (options.kind === 'openldap' ? openLdapUnderTest(await startSlapd()) : sambaUnderTest(await startSamba()));
  const people = directory.people.slice(0, options.users ?? directory.people.length);
  const started = await startStackFor(
    directory.endpoint,
    people,
    () => directory.destroy(),
    `e2e-${options.kind}`,
    options,
  );
  return { ...started, directory, people: started.users };
}

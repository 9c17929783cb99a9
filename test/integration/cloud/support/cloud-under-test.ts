import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { connect } from 'amqplib';
import { Client, type QueryResultRow } from 'pg';
import { CloudApi, createTestDatabase, createTestVhost, type TestDatabase, type TestVhost } from '@sspr/test-support';
import { CLOUD_DEAD_LETTER_QUEUE, createCloudApp, loadConfig, type CloudConfig } from '@sspr/cloud';

export const OPERATOR_TOKEN = `operator-${randomBytes(12).toString('hex')}`;

/** Short timings so deadlines and staleness happen within a test. */
export const FAST_TIMINGS = {
  WRITEBACK_DEADLINE_MS: '1500',
  WRITEBACK_SAFETY_MARGIN_MS: '300',
  AGENT_HEARTBEAT_INTERVAL_MS: '200',
  // Every suite signs in from 127.0.0.1 many times a minute; rate-limit.int-spec.ts sets its own limit.
  PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
} as const;

/** The cloud running in this process on a fresh database and a fresh vhost, listening on a free port. */
export interface CloudUnderTest {
  app: INestApplication;
  config: CloudConfig;
  baseUrl: string;
  /** The API as the platform operator. */
  operator: CloudApi;
  db: TestDatabase;
  vhost: TestVhost;
  masterKey: string;
  /** Another replica of the same cloud (same database, broker and keys), listening on its own port. */
  startReplica(): Promise<{ app: INestApplication; baseUrl: string }>;
  /** How many replies the cloud has refused so far (messages in its dead-letter queue). */
  deadLettered(): Promise<number>;
  /** A query on the cloud's database, for what the API does not show. */
  sql<T extends QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startCloud(env: Record<string, string> = {}): Promise<CloudUnderTest> {
  const [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
  const masterKey = randomBytes(32).toString('base64');
  const config = loadConfig({
    DATABASE_URL: db.url,
    AMQP_URL: vhost.url,
    HTTP_PORT: '0',
    CLOUD_MASTER_KEY: masterKey,
    CLOUD_OPERATOR_TOKEN: OPERATOR_TOKEN,
    LOG_LEVEL: process.env['CLOUD_TEST_LOG_LEVEL'] ?? 'silent',
    ...FAST_TIMINGS,
    ...env,
  });
  const replicas: INestApplication[] = [];
  const boot = async () => {
    const app = await createCloudApp(config);
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    replicas.push(app);
    return { app, baseUrl: `http://127.0.0.1:${port}` };
  };
  const { app, baseUrl } = await boot();
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const broker = await connect(vhost.url, { noDelay: true });
  return {
    app,
    config,
    baseUrl,
    operator: new CloudApi(baseUrl, OPERATOR_TOKEN),
    db,
    vhost,
    masterKey,
    startReplica: boot,
    deadLettered: async () => {
      const channel = await broker.createChannel();
      try {
        return (await channel.checkQueue(CLOUD_DEAD_LETTER_QUEUE)).messageCount;
      } finally {
        await channel.close();
      }
    },
    sql: async <T extends QueryResultRow>(text: string, params: unknown[] = []) =>
      (await client.query<T>(text, params)).rows,
    stop: async () => {
      await client.end();
      await broker.close();
      for (const replica of replicas.reverse()) await replica.close();
      await Promise.all([db.drop(), vhost.delete()]);
    },
  };
}

export interface TenantFixture {
  tenantId: string;
  adminToken: string;
  /** The API as this tenant's admin. */
  admin: CloudApi;
}

export async function aTenant(cloud: CloudUnderTest, name = 'Contoso'): Promise<TenantFixture> {
  const { tenant, adminToken } = await cloud.operator.createTenant(name);
  return { tenantId: tenant.id, adminToken, admin: new CloudApi(cloud.baseUrl, adminToken) };
}

let users = 0;

/** A synced user (with an on-prem DN) of the tenant. */
export async function aSyncedUser(tenant: TenantFixture): Promise<{ id: string; dn: string }> {
  users += 1;
  const dn = `uid=user${users},ou=people,dc=example,dc=test`;
  const user = await tenant.admin.createSyncedUser(tenant.tenantId, {
    userPrincipalName: `user${users}.${randomBytes(3).toString('hex')}@example.test`,
    displayName: `User ${users}`,
    dn,
  });
  return { id: user.id, dn };
}

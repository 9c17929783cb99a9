/**
 * npm run demo: the whole stack on loopback — a throwaway slapd seeded with a sample organization, the
 * cloud and one registered agent against the local PostgreSQL and RabbitMQ — then prints what to open
 * and a command that resets a sample user's password through the whole path. Ctrl-C stops it all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { REPO_ROOT, Stack, createTestVhost, freePort, startSlapd, type SlapdHandle } from '@sspr/test-support';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env['AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const DEMO_DB = 'sspr_demo';

function fail(message: string): never {
  process.stderr.write(`\nnpm run demo: ${message}\n`);
  process.exit(1);
}

async function checkPostgres(): Promise<string> {
  const admin = new Client({ connectionString: DATABASE_URL });
  try {
    await admin.connect();
  } catch (err) {
    fail(
      `PostgreSQL does not answer at ${DATABASE_URL} (${(err as Error).message}).\n` +
        `Start it (Debian: pg_ctlcluster --skip-systemctl-redirect 15 main start) or set DATABASE_URL.`,
    );
  }
  await admin.query(`DROP DATABASE IF EXISTS ${DEMO_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DEMO_DB}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${DEMO_DB}`;
  return url.toString();
}

async function checkRabbit(): Promise<void> {
  try {
    const c = await connect(AMQP_URL);
    await c.close();
  } catch (err) {
    fail(
      `RabbitMQ does not answer at ${AMQP_URL} (${(err as Error).message}).\n` +
        `Start it (Debian: rabbitmq-server -detached) or set AMQP_URL.`,
    );
  }
}

function ensureSlapd(): void {
  if (existsSync('/usr/sbin/slapd')) return;
  if (process.getuid?.() !== 0) {
    fail('slapd is not installed. Install it with: sudo apt-get install -y slapd ldap-utils');
  }
  process.stdout.write('installing slapd and ldap-utils from Debian packages…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'slapd', 'ldap-utils'], { stdio: 'inherit', env });
}

async function main(): Promise<void> {
  ensureSlapd();
  const databaseUrl = await checkPostgres();
  await checkRabbit();
  // A vhost of its own (removed at Ctrl-C), so demo runs leave no queues behind on the broker.
  const vhost = await createTestVhost();
  const workDir = join(REPO_ROOT, '.tmp', 'demo');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });

  const slapd: SlapdHandle = await startSlapd({ port: Number(process.env['DEMO_LDAP_PORT'] ?? 0) || undefined });
  const stack = new Stack({
    databaseUrl,
    amqpUrl: vhost.url,
    directory: slapd,
    workDir,
    cloudPort: Number(process.env['DEMO_HTTP_PORT'] ?? 0) || (await freePort()),
  });
  const shutdown = async () => {
    process.stdout.write('\nstopping…\n');
    await stack.stop();
    await slapd.destroy();
    await vhost.delete();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  await stack.startCloud();
  const { tenantId, adminToken, users } = await stack.provisionTenant('Example Corp', slapd.users);

  const sample = users[0];
  if (!sample) fail('the seeded directory has no users');
  const base = `${stack.cloudUrl}/api/v1/tenants/${tenantId}`;
  const auth = `-H 'authorization: Bearer ${adminToken}'`;
  process.stdout.write(`
SSPR demo is running (logs in ${workDir}).

  Cloud API            ${stack.cloudUrl}/api/v1
  On-prem status       curl -s ${auth} ${base}/onprem-status
  Test connection      curl -s -X POST ${auth} ${base}/onprem-status/test
  Metrics              ${stack.cloudUrl}/metrics
  Directory (slapd)    ${slapd.url}  base ${slapd.baseDn}
  Broker vhost         ${vhost.vhost}
  Tenant               ${tenantId}
  Admin token          ${adminToken}

Reset ${sample.uid}'s password through cloud → RabbitMQ → agent → slapd:

  curl -s -X POST ${auth} -H 'content-type: application/json' \\
    -d '{"password":"Demo-New-Pass-2026"}' ${base}/users/${sample.id}/password-resets

Then prove it landed in the directory:

  ldapwhoami -x -H ${slapd.url} -D '${sample.dn}' -w 'Demo-New-Pass-2026'

Sign in as ${sample.uid} with it (the agent binds as the user: pass-through) and see the synced users and groups:

  curl -s -X POST -H 'content-type: application/json' \
    -d '{"userPrincipalName":"${sample.uid}@example.test","password":"Demo-New-Pass-2026"}' ${base}/auth/sign-in
  curl -s ${auth} ${base}/users
  curl -s ${auth} ${base}/groups

Press Ctrl-C to stop.
`);
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));

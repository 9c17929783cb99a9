/**
 * The AD case of `npm run bench` (issue 3): admin resets through the whole product (HTTP → cloud → broker →
 * agent → Samba AD DC) against the same DC's raw rate (ldapts, replace unicodePwd over LDAPS, no framework),
 * in the same run, at the same concurrency, paired round by round.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { ResultCode } from '@sspr/contracts';
import {
  Stack,
  createTestDatabase,
  createTestVhost,
  freePort,
  sambaUnderTest,
  startSamba,
  type SambaHandle,
} from '@sspr/test-support';
import { closedLoop, type RunFigures } from './stats';

export interface AdBenchFigures {
  floor: RunFigures[];
  product: RunFigures[];
  /** product throughput / floor throughput, per round. */
  ratios: number[];
}

/** Raw resets: one LDAPS connection per worker, bound as the agent's service account. */
async function adFloor(samba: SambaHandle, dns: string[], count: number, concurrency: number, tag: string) {
  const clients = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = new Client({
        url: samba.url,
        timeout: 30_000,
        tlsOptions: { ca: samba.caPem, servername: samba.servername, minVersion: 'TLSv1.2' },
      });
      await client.bind(samba.serviceDn, samba.servicePassword);
      return client;
    }),
  );
  const turns = new Array<number>(concurrency).fill(0);
  try {
    return await closedLoop(count, concurrency, async (i, worker) => {
      const dn = dns[(worker + concurrency * turns[worker]!++) % dns.length]!;
      const value = Buffer.from(`"AdFloor-${tag}-${i}-Pass-Aa1"`, 'utf16le');
      await clients[worker]!.modify(
        dn,
        new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [value] }) }),
      );
    });
  } finally {
    await Promise.all(clients.map((c) => c.unbind()));
  }
}

export async function benchActiveDirectory(options: {
  count: number;
  concurrency: number;
  rounds: number;
  log: (line: string) => void;
}): Promise<AdBenchFigures> {
  const { count, concurrency, rounds, log } = options;
  const samba = await startSamba();
  const database = await createTestDatabase();
  const vhost = await createTestVhost();
  const directory = sambaUnderTest(samba);
  const stack = new Stack({
    databaseUrl: database.url,
    amqpUrl: vhost.url,
    directory: directory.endpoint,
    workDir: mkdtempSync(join(tmpdir(), 'sspr-bench-ad-')),
    cloudPort: await freePort(),
    logLevel: 'warn',
    agentEnv: { SYNC_ENABLED: 'false' },
  });
  try {
    await stack.startCloud();
    // A multiple of the concurrency: worker w takes users w, w + c, …, so no two resets in flight share a user.
    const people = directory.people.slice(0, concurrency * Math.floor(directory.people.length / concurrency));
    const { tenantId, admin, users } = await stack.provisionTenant('bench-ad', people);
    const dns = users.map((u) => u.dn);
    const product = async (round: string): Promise<RunFigures> => {
      const failures: string[] = [];
      const turns = new Array<number>(concurrency).fill(0);
      const figures = await closedLoop(count, concurrency, async (i, worker) => {
        const user = users[(worker + concurrency * turns[worker]!++) % users.length]!;
        const res = await admin.resetPassword(tenantId, user.id, { password: `AdBench-${round}-${i}-Pass-Aa1` });
        if (res.body.outcome !== ResultCode.Applied) failures.push(`${res.status} ${res.body.outcome}`);
      });
      if (failures.length > 0)
        throw new Error(`${failures.length} AD resets did not apply: ${failures.slice(0, 3).join(', ')}`);
      return figures;
    };
    log('AD: warm-up…');
    await adFloor(samba, dns, 40, concurrency, 'warm');
    await product('warm');
    const figures: AdBenchFigures = { floor: [], product: [], ratios: [] };
    for (let round = 0; round < rounds; round++) {
      log(`AD: raw resets and product resets, round ${round + 1} of ${rounds}…`);
      const floor = await adFloor(samba, dns, count, concurrency, `r${round}`);
      const through = await product(`r${round}`);
      figures.floor.push(floor);
      figures.product.push(through);
      figures.ratios.push(through.throughput / floor.throughput);
    }
    return figures;
  } finally {
    await stack.stop();
    await vhost.delete();
    await database.drop();
    await samba.destroy();
  }
}

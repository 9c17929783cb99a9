/**
 * npm run bench: the bare floor and the product, in one process tree and one run, on the same slapd and
 * broker; every product figure is printed as a ratio to the floor, and written to bench-results.json.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { EXCHANGES, MessageType, REPLY_ROUTING, ResultCode, commandRoutingKey } from '@sspr/contracts';
import {
  REPO_ROOT,
  Stack,
  agentRecipient,
  cloudSigner,
  createTestDatabase,
  createTestVhost,
  freePort,
  resetCommand,
  startSlapd,
  waitFor,
} from '@sspr/test-support';
import { benchActiveDirectory } from './bench/active-directory';
import { runFloor } from './bench/floor';
import { closedLoop, type RunFigures } from './bench/stats';

const N_C1 = Number(process.env['BENCH_N_C1'] ?? 500);
const N_C32 = Number(process.env['BENCH_N_C32'] ?? 3000);
const N_DRAIN = Number(process.env['BENCH_N_DRAIN'] ?? 4000);
/** Distinct directory users: at most one command per user is in flight (as the cloud guarantees). */
const N_USERS = 256;
/** Floor/product pairs per compared figure. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** AD resets per round (Samba spends ~30 ms of CPU on each password write: ~30/s whatever the concurrency). */
const N_AD = Number(process.env['BENCH_N_AD'] ?? 150);
const AD_CONCURRENCY = 8;

/** CPU time (user + system) a process has used so far, in milliseconds. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024);
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const slapd = await startSlapd({ passwordHash: '{SSHA}' });
  const database = await createTestDatabase();
  const vhost = await createTestVhost();
  const workDir = mkdtempSync(join(tmpdir(), 'sspr-bench-'));
  const stack = new Stack({
    databaseUrl: database.url,
    amqpUrl: vhost.url,
    directory: slapd,
    workDir,
    cloudPort: await freePort(),
    logLevel: 'warn',
  });
  try {
    const people = [...slapd.users];
    for (let i = people.length; i < N_USERS; i++) people.push(await slapd.addPerson(`bench.user${i}`));
    const userDns = people.map((u) => u.dn);
    const floorTarget = {
      amqpUrl: vhost.url,
      ldapUrl: slapd.url,
      bindDn: slapd.serviceDn,
      bindPassword: slapd.servicePassword,
      userDns,
    };
    process.stdout.write('floor: warm-up…\n');
    await runFloor(floorTarget, 200, 8);

    process.stdout.write('product: starting cloud and agent…\n');
    await stack.startCloud();
    const { tenantId, admin, users, agent } = await stack.provisionTenant('bench', people);

    const failures: string[] = [];
    // HTTP: like the floor, requests go round the users. Worker w takes users w, w + c, w + 2c, … (c the
    // concurrency, which divides N_USERS), so no two requests in flight are for the same user (the cloud
    // allows one command in flight per user).
    const http = async (count: number, concurrency: number, tag: string): Promise<RunFigures> => {
      const turns = new Array<number>(concurrency).fill(0);
      const figures = await closedLoop(count, concurrency, async (i, worker) => {
        const turn = turns[worker]!++;
        const user = users[(worker + concurrency * turn) % users.length]!;
        const res = await admin.resetPassword(tenantId, user.id, { password: `Bench-${tag}-${i}-Pass-Aa1` });
        if (res.body.outcome !== ResultCode.Applied) failures.push(`${res.status} ${res.body.outcome}`);
      });
      if (failures.length > 0)
        throw new Error(`${failures.length} HTTP resets did not apply: ${failures.slice(0, 3).join(', ')}`);
      return figures;
    };
    process.stdout.write('product: HTTP warm-up…\n');
    await http(100, 8, 'warm');

    // This machine's speed drifts by tens of percent within a minute (other tenants of the host), so
    // each product figure is measured right after its own floor run, ROUNDS times, and the ratio
    // reported is the median of the pairs' ratios.
    const c1Pairs: { floor: RunFigures; product: RunFigures }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      process.stdout.write(`c=1: floor and HTTP, round ${round + 1} of ${ROUNDS}…\n`);
      const floor = await runFloor(floorTarget, N_C1, 1);
      c1Pairs.push({ floor, product: await http(N_C1, 1, `c1-${round}`) });
    }
    process.stdout.write('c=32: floor and HTTP…\n');
    const c32Floor = await runFloor(floorTarget, N_C32, 32);
    const httpC32 = await http(N_C32, 32, 'c32');

    // The drain measures the agent alone: the cloud is stopped (its results wait in the broker).
    const rssCloud = peakRssMb(stack.cloud.pid);
    await stack.cloud.stop();
    const signer = await cloudSigner(database.url, tenantId, stack.masterKey);
    const recipient = agentRecipient(stack.agentStateDir(0));
    const amqp = await connect(vhost.url, { noDelay: true });
    const channel = await amqp.createConfirmChannel();
    const results = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(results.queue, EXCHANGES.replies, REPLY_ROUTING.result(tenantId));
    let arrivals: number[] = [];
    let applied = 0;
    await channel.consume(
      results.queue,
      (m) => {
        if (!m) return;
        arrivals.push(performance.now());
        const payload = m.content.toString().split('.')[1] ?? '';
        const result = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { payload: { code: string } };
        if (result.payload.code === (ResultCode.Applied as string)) applied++;
      },
      { noAck: true },
    );
    /** Stops the agent, queues N_DRAIN signed and sealed commands, starts it, and times the drain. */
    const drainOnce = async (round: number): Promise<{ throughput: number; cpuMsPerCommand: number }> => {
      await agent.stop();
      for (let i = 0; i < N_DRAIN; i++) {
        const user = users[i % users.length]!;
        const { body } = await resetCommand({
          tenantId,
          userId: user.id,
          target: { dn: user.dn, immutableId: user.immutableId },
          password: `Drain-${round}-${i}-Pass-Aa1`,
          recipients: [recipient],
          signer,
          ttlMs: 10 * 60_000,
        });
        channel.publish(EXCHANGES.commands, commandRoutingKey(tenantId, MessageType.PasswordReset), body, {
          persistent: true,
        });
      }
      await channel.waitForConfirms();
      arrivals = [];
      agent.start();
      await waitFor(() => (arrivals.length >= 1 ? true : undefined), {
        timeoutMs: 60_000,
        what: 'the first drained result',
      });
      const cpuAtStart = cpuMs(agent.pid);
      await waitFor(() => (arrivals.length >= N_DRAIN ? true : undefined), {
        timeoutMs: 300_000,
        intervalMs: 50,
        what: 'the agent to drain the queue',
      });
      const seconds = ((arrivals[arrivals.length - 1] ?? 0) - (arrivals[0] ?? 0)) / 1000;
      return { throughput: (N_DRAIN - 1) / seconds, cpuMsPerCommand: (cpuMs(agent.pid) - cpuAtStart) / (N_DRAIN - 1) };
    };
    const drainPairs: { floor: RunFigures; drain: { throughput: number; cpuMsPerCommand: number } }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      process.stdout.write(`drain: floor and agent drain, round ${round + 1} of ${ROUNDS}…\n`);
      const floor = await runFloor(floorTarget, N_C32, 32);
      drainPairs.push({ floor, drain: await drainOnce(round) });
    }
    const rssAgent = peakRssMb(agent.pid);
    await amqp.close();
    // The OpenLDAP stack is done; the AD case gets its own DC, database, vhost, cloud and agent.
    await stack.stop();
    const ad = await benchActiveDirectory({
      count: N_AD,
      concurrency: AD_CONCURRENCY,
      rounds: ROUNDS,
      log: (line) => process.stdout.write(`${line}\n`),
    });

    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const c1Ratios = c1Pairs.map((p) => p.product.p50Ms / p.floor.p50Ms);
    const drainRatios = drainPairs.map((p) => p.drain.throughput / p.floor.throughput);
    const list = (values: number[], digits: number) => values.map((v) => fmt(v, digits)).join(' / ');
    const figures = {
      'floor.throughput': median(drainPairs.map((p) => p.floor.throughput)),
      'floor.p50_ms': median(c1Pairs.map((p) => p.floor.p50Ms)),
      'agent_drain.throughput': median(drainPairs.map((p) => p.drain.throughput)),
      'agent_drain.ratio': median(drainRatios),
      'agent_drain.ratios': drainRatios,
      'agent_drain.cpu_ms_per_command': median(drainPairs.map((p) => p.drain.cpuMsPerCommand)),
      'agent_drain.applied': applied,
      'http_c1.p50_ms': median(c1Pairs.map((p) => p.product.p50Ms)),
      'http_c1.p95_ms': median(c1Pairs.map((p) => p.product.p95Ms)),
      'http_c1.ratio': median(c1Ratios),
      'http_c1.ratios': c1Ratios,
      'http_c32.throughput': httpC32.throughput,
      'http_c32.p50_ms': httpC32.p50Ms,
      'http_c32.ratio': httpC32.throughput / c32Floor.throughput,
      'rss_mb.agent': rssAgent,
      'rss_mb.cloud': rssCloud,
      'ad_floor.throughput': median(ad.floor.map((f) => f.throughput)),
      'ad_reset.throughput': median(ad.product.map((f) => f.throughput)),
      'ad_reset.p50_ms': median(ad.product.map((f) => f.p50Ms)),
      'ad_reset.ratio': median(ad.ratios),
      'ad_reset.ratios': ad.ratios,
    };
    writeFileSync(join(REPO_ROOT, 'bench-results.json'), `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`
                                   median of ${ROUNDS} rounds  ratio to floor (each round's)      target
floor  c=1   p50                   ${fmt(figures['floor.p50_ms'], 2)} ms          1       (${list(
      c1Pairs.map((p) => p.floor.p50Ms),
      2,
    )} ms)
floor  c=32  throughput            ${fmt(figures['floor.throughput'], 0)} /s          1       (${list(
      drainPairs.map((p) => p.floor.throughput),
      0,
    )} /s)
agent drain  throughput            ${fmt(figures['agent_drain.throughput'], 0)} /s          ${fmt(figures['agent_drain.ratio'], 2)}    (${list(drainRatios, 2)})     ≥ 0.70
agent drain  CPU per command       ${fmt(figures['agent_drain.cpu_ms_per_command'], 2)} ms
HTTP   c=1   p50                   ${fmt(figures['http_c1.p50_ms'], 2)} ms        ${fmt(figures['http_c1.ratio'], 2)}×   (${list(c1Ratios, 2)})     ≤ 5×
HTTP   c=1   p95                   ${fmt(figures['http_c1.p95_ms'], 2)} ms
HTTP   c=32  throughput            ${fmt(httpC32.throughput, 0)} /s           ${fmt(figures['http_c32.ratio'], 2)}    (floor ${fmt(c32Floor.throughput, 0)} /s)
HTTP   c=32  p50                   ${fmt(httpC32.p50Ms, 2)} ms
peak RSS     agent / cloud         ${rssAgent} MB / ${rssCloud} MB
AD floor     raw resets c=${AD_CONCURRENCY}      ${fmt(figures['ad_floor.throughput'], 1)} /s          1       (${list(
      ad.floor.map((f) => f.throughput),
      1,
    )} /s)
AD reset     through the product   ${fmt(figures['ad_reset.throughput'], 1)} /s          ${fmt(figures['ad_reset.ratio'], 2)}    (${list(ad.ratios, 2)})     ≥ 0.90
(applied in the drains: ${applied} of ${ROUNDS * N_DRAIN}; figures in bench-results.json)
`);
  } finally {
    await stack.stop();
    await vhost.delete();
    await database.drop();
    await slapd.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

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
import { runFloor } from './bench/floor';
import { closedLoop, summarize, type RunFigures } from './bench/stats';

const N_C1 = Number(process.env['BENCH_N_C1'] ?? 500);
const N_C32 = Number(process.env['BENCH_N_C32'] ?? 3000);
const N_DRAIN = Number(process.env['BENCH_N_DRAIN'] ?? 4000);
/** Distinct directory users: at most one command per user is in flight (as the cloud guarantees). */
const N_USERS = 256;

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
    // The floor runs before and after the product, and the ratios are to the mean of the two, so drift of
    // this shared machine during the run counts the same for both; the ratio to the better floor run
    // (the product's worst case) is printed and kept too.
    const floorRuns = { c1: [await runFloor(floorTarget, N_C1, 1)], c32: [await runFloor(floorTarget, N_C32, 32)] };

    process.stdout.write('product: starting cloud and agent…\n');
    await stack.startCloud();
    const { tenantId, admin, users, agent } = await stack.provisionTenant('bench', people);

    const failures: string[] = [];
    // HTTP: like the floor, requests go round the users. Worker w takes users w, w + c, w + 2c, … (c the
    // concurrency, which divides N_USERS), so no two requests in flight are for the same user (the cloud
    // allows one command in flight per user).
    const http = (count: number, concurrency: number, tag: string): Promise<RunFigures> => {
      const turns = new Array<number>(concurrency).fill(0);
      return closedLoop(count, concurrency, async (i, worker) => {
        const turn = turns[worker]!++;
        const user = users[(worker + concurrency * turn) % users.length]!;
        const res = await admin.resetPassword(tenantId, user.id, { password: `Bench-${tag}-${i}-Pass-Aa1` });
        if (res.body.outcome !== ResultCode.Applied) failures.push(`${res.status} ${res.body.outcome}`);
      });
    };
    process.stdout.write('product: HTTP warm-up…\n');
    await http(100, 8, 'warm');
    const httpC1 = await http(N_C1, 1, 'c1');
    const httpC32 = await http(N_C32, 32, 'c32');
    if (failures.length > 0)
      throw new Error(`${failures.length} HTTP resets did not apply: ${failures.slice(0, 3).join(', ')}`);

    process.stdout.write('product: agent drain of pre-queued commands…\n');
    // The drain measures the agent alone: the cloud is stopped (its results wait in the broker).
    const rssCloud = peakRssMb(stack.cloud.pid);
    await stack.cloud.stop();
    await agent.stop();
    const signer = await cloudSigner(database.url, tenantId, stack.masterKey);
    const recipient = agentRecipient(stack.agentStateDir(0));
    const amqp = await connect(vhost.url, { noDelay: true });
    const channel = await amqp.createConfirmChannel();
    const results = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(results.queue, EXCHANGES.replies, REPLY_ROUTING.result(tenantId));
    for (let i = 0; i < N_DRAIN; i++) {
      const user = users[i % users.length]!;
      const { body } = await resetCommand({
        tenantId: tenantId,
        userId: user.id,
        target: { dn: user.dn, immutableId: user.immutableId },
        password: `Drain-${i}-Pass-Aa1`,
        recipients: [recipient],
        signer,
        ttlMs: 10 * 60_000,
      });
      channel.publish(EXCHANGES.commands, commandRoutingKey(tenantId, MessageType.PasswordReset), body, {
        persistent: true,
      });
    }
    await channel.waitForConfirms();
    const arrivals: number[] = [];
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
    agent.start();
    await waitFor(() => (arrivals.length >= 1 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the first drained result',
    });
    const cpuAtStart = cpuMs(agent.pid);
    await waitFor(() => (arrivals.length >= N_DRAIN ? true : undefined), {
      timeoutMs: 300_000,
      intervalMs: 100,
      what: 'the agent to drain the queue',
    });
    const drainCpuMs = (cpuMs(agent.pid) - cpuAtStart) / (N_DRAIN - 1);
    const drainSeconds = ((arrivals[arrivals.length - 1] ?? 0) - (arrivals[0] ?? 0)) / 1000;
    const drain = summarize([], drainSeconds);
    drain.count = N_DRAIN;
    drain.throughput = (N_DRAIN - 1) / drainSeconds;
    await amqp.close();

    const rssAgent = peakRssMb(agent.pid);
    process.stdout.write('floor: second run…\n');
    floorRuns.c1.push(await runFloor(floorTarget, N_C1, 1));
    floorRuns.c32.push(await runFloor(floorTarget, N_C32, 32));
    const mean = (runs: RunFigures[], pick: (r: RunFigures) => number) =>
      runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
    const floorC1 = { p50Ms: mean(floorRuns.c1, (r) => r.p50Ms), throughput: mean(floorRuns.c1, (r) => r.throughput) };
    const floorC32 = {
      p50Ms: mean(floorRuns.c32, (r) => r.p50Ms),
      throughput: mean(floorRuns.c32, (r) => r.throughput),
    };
    const bestFloorP50 = Math.min(...floorRuns.c1.map((r) => r.p50Ms));
    const bestFloorThroughput = Math.max(...floorRuns.c32.map((r) => r.throughput));
    const spread = (runs: RunFigures[], pick: (r: RunFigures) => number, digits: number) =>
      runs.map((r) => fmt(pick(r), digits)).join(' / ');
    const figures = {
      'floor.throughput': floorC32.throughput,
      'floor.p50_ms': floorC1.p50Ms,
      'floor.c1_throughput': floorC1.throughput,
      'floor.c32_p50_ms': floorC32.p50Ms,
      'agent_drain.throughput': drain.throughput,
      'agent_drain.ratio': drain.throughput / floorC32.throughput,
      'agent_drain.ratio_to_best_floor': drain.throughput / bestFloorThroughput,
      'agent_drain.applied': applied,
      'agent_drain.cpu_ms_per_command': drainCpuMs,
      'http_c1.p50_ms': httpC1.p50Ms,
      'http_c1.p95_ms': httpC1.p95Ms,
      'http_c1.ratio': httpC1.p50Ms / floorC1.p50Ms,
      'http_c1.ratio_to_best_floor': httpC1.p50Ms / bestFloorP50,
      'http_c32.throughput': httpC32.throughput,
      'http_c32.p50_ms': httpC32.p50Ms,
      'http_c32.ratio': httpC32.throughput / floorC32.throughput,
      'rss_mb.agent': rssAgent,
      'rss_mb.cloud': rssCloud,
    };
    writeFileSync(join(REPO_ROOT, 'bench-results.json'), `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`
                                   figure        ratio to floor   target   (to the better floor run)
floor  c=1   p50                   ${fmt(floorC1.p50Ms, 2)} ms    1                         (runs: ${spread(floorRuns.c1, (r) => r.p50Ms, 2)} ms)
floor  c=1   throughput            ${fmt(floorC1.throughput, 0)} /s
floor  c=32  throughput            ${fmt(floorC32.throughput, 0)} /s     1                         (runs: ${spread(floorRuns.c32, (r) => r.throughput, 0)} /s)
floor  c=32  p50                   ${fmt(floorC32.p50Ms, 2)} ms
agent drain  throughput            ${fmt(drain.throughput, 0)} /s     ${fmt(figures['agent_drain.ratio'], 2)}             ≥ 0.70   (${fmt(figures['agent_drain.ratio_to_best_floor'], 2)})
agent drain  CPU per command       ${fmt(drainCpuMs, 2)} ms
HTTP   c=1   p50                   ${fmt(httpC1.p50Ms, 2)} ms    ${fmt(figures['http_c1.ratio'], 2)}×            ≤ 5×     (${fmt(figures['http_c1.ratio_to_best_floor'], 2)}×)
HTTP   c=1   p95                   ${fmt(httpC1.p95Ms, 2)} ms
HTTP   c=32  throughput            ${fmt(httpC32.throughput, 0)} /s     ${fmt(figures['http_c32.ratio'], 2)}
HTTP   c=32  p50                   ${fmt(httpC32.p50Ms, 2)} ms
peak RSS     agent / cloud         ${rssAgent} MB / ${rssCloud} MB
(applied in drain: ${applied} of ${N_DRAIN}; figures in bench-results.json)
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

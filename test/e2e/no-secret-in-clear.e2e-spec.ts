import { readFileSync } from 'node:fs';
import { connect, type ChannelModel } from 'amqplib';
import { Client } from 'pg';
import { EXCHANGES } from '@sspr/contracts';
import { CloudApi, startEnvironment, type Environment } from '@sspr/test-support';

/** The forms a password could leak in: clear, base64, base64url, hex. */
function leakForms(password: string): string[] {
  const bytes = Buffer.from(password);
  return [password, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

describe('no password in clear anywhere', () => {
  let env: Environment;
  let amqp: ChannelModel;
  const spy = `spy.${Date.now()}`;
  const passwords = ['Spied-On-Pass-123', 'Sh0rt', 'Also-Spied-Pass-456', 'Wrong-Sign-In-789', 'Changed-By-User-321'];
  /** Session tokens are secrets too. */
  const tokens: string[] = [];

  beforeAll(async () => {
    env = await startEnvironment({ users: 3 });
    amqp = await connect(env.amqpUrl);
    const channel = await amqp.createChannel();
    await channel.assertQueue(spy, { durable: false, autoDelete: false });
    for (const exchange of Object.values(EXCHANGES)) await channel.bindQueue(spy, exchange, '#');
    await channel.close();
    // An applied reset, a policy rejection and a generated one: every path a secret takes.
    await env.admin.resetPassword(env.tenantId, env.users[0]!.id, { password: passwords[0] });
    await env.admin.resetPassword(env.tenantId, env.users[1]!.id, { password: passwords[1] });
    await env.admin.resetPassword(env.tenantId, env.users[2]!.id, {
      password: passwords[2],
      mustChangeAtNextSignIn: true,
    });
    // Pass-through sign-in (right and wrong password) and a user change: the other commands carrying secrets.
    const anonymous = new CloudApi(env.stack.cloudUrl);
    const signIn = (password: string) =>
      anonymous.call<{ sessionToken: string }>('POST', `/api/v1/tenants/${env.tenantId}/auth/sign-in`, {
        userPrincipalName: `${env.users[0]!.uid}@example.test`,
        password,
      });
    await signIn(passwords[3]!);
    const session = await signIn(passwords[0]!);
    tokens.push(session.body.sessionToken);
    const changed = await new CloudApi(env.stack.cloudUrl, session.body.sessionToken).call(
      'POST',
      `/api/v1/tenants/${env.tenantId}/me/password`,
      { currentPassword: passwords[0], newPassword: passwords[4] },
    );
    if (changed.status !== 200) throw new Error(`the change was not applied: ${changed.status}`);
    const generated = await env.admin.resetPassword(env.tenantId, env.users[0]!.id, { generate: true });
    if (generated.body.temporaryPassword) passwords.push(generated.body.temporaryPassword);
    passwords.push(...tokens);
  });
  afterAll(async () => {
    await amqp?.close();
    await env?.teardown();
  });

  it('shows a spy bound to every exchange only ciphertext', async () => {
    const channel = await amqp.createChannel();
    const bodies: string[] = [];
    for (let m = await channel.get(spy); m; m = await channel.get(spy)) {
      channel.ack(m);
      bodies.push(m.content.toString('utf8'));
      // A JWS payload is base64url JSON: decode it too, so a secret inside the envelope would show.
      for (const part of m.content.toString('utf8').split('.'))
        bodies.push(Buffer.from(part, 'base64url').toString('utf8'));
    }
    await channel.deleteQueue(spy);
    expect(bodies.length).toBeGreaterThan(4);
    for (const body of bodies)
      for (const p of passwords) for (const form of leakForms(p)) expect(body).not.toContain(form);
  });

  it('keeps every password out of the logs of the run', () => {
    const logs = env.stack.logFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const p of passwords) for (const form of leakForms(p)) expect(logs).not.toContain(form);
  });

  it('keeps every password out of every PostgreSQL table', async () => {
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      const { rows: tables } = await db.query<{ name: string }>(
        "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      expect(tables.length).toBeGreaterThan(3);
      for (const { name } of tables) {
        const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
        for (const { row } of rows)
          for (const p of passwords) for (const form of leakForms(p)) expect(row).not.toContain(form);
      }
    } finally {
      await db.end();
    }
  });
});

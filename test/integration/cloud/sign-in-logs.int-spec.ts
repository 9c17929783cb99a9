import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialVerdict, MessageType, ResultCode } from '@sspr/contracts';
import {
  CloudApi,
  createTestDatabase,
  createTestVhost,
  freePort,
  Stack,
  type TestDatabase,
  type TestVhost,
} from '@sspr/test-support';
import { ScriptedAgent } from './support/scripted-agent';

jest.setTimeout(60_000);

/** The forms a secret could leak in: clear, base64, base64url, hex. */
function leakForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

const aPassword = () => `Logged-${randomBytes(6).toString('base64url')}`;

/**
 * The cloud as a real process logging at debug level (pino, as in production), through sign-in, sign-out,
 * change and admin reset, for a cloud-only and a synced user: its log must hold none of the passwords or
 * session tokens that went through it.
 */
describe('the cloud’s log after sign-ins and password changes', () => {
  let db: TestDatabase;
  let vhost: TestVhost;
  let stack: Stack;
  let agent: ScriptedAgent;
  let workDir: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    workDir = mkdtempSync(join(tmpdir(), 'sspr-sign-in-logs-'));
    stack = new Stack({
      databaseUrl: db.url,
      amqpUrl: vhost.url,
      // No agent process is started: the scripted agent answers instead.
      directory: {
        url: 'ldap://127.0.0.1:1',
        baseDn: 'dc=example,dc=test',
        serviceDn: 'cn=unused',
        servicePassword: '-',
      },
      workDir,
      cloudPort: await freePort(),
      deadlineMs: 3_000,
      logLevel: 'debug',
    });
    await stack.startCloud();
    const { tenant, adminToken } = await stack.operator.createTenant('Logged');
    const admin = stack.operator.as(adminToken);
    const tenantId = tenant.id;
    agent = await ScriptedAgent.register(stack.cloudUrl, { tenantId, adminToken, admin }, vhost.url);
    const directoryPassword = aPassword();
    agent.behaviour = (c) =>
      c.message.type === MessageType.CredentialsVerify
        ? {
            code: ResultCode.Applied,
            credential: c.password === directoryPassword ? CredentialVerdict.Valid : CredentialVerdict.Invalid,
          }
        : { code: ResultCode.Applied };
    await agent.consume();

    const anonymous = new CloudApi(stack.cloudUrl);
    const signIn = (userPrincipalName: string, password: string) =>
      anonymous.call<{ sessionToken?: string }>('POST', `/api/v1/tenants/${tenantId}/auth/sign-in`, {
        userPrincipalName,
        password,
      });
    const change = (token: string, currentPassword: string, newPassword: string) =>
      new CloudApi(stack.cloudUrl, token).call('POST', `/api/v1/tenants/${tenantId}/me/password`, {
        currentPassword,
        newPassword,
      });

    const cloudPassword = aPassword();
    const cloudReplacement = aPassword();
    const wrong = aPassword();
    const cloudUser = await admin.call<{ id: string }>('POST', `/api/v1/tenants/${tenantId}/users`, {
      userPrincipalName: 'logged.cloud@example.test',
      displayName: 'Logged Cloud',
      source: 'cloud',
      password: cloudPassword,
    });
    await admin.createSyncedUser(tenantId, {
      userPrincipalName: 'logged.synced@example.test',
      displayName: 'Logged Synced',
      dn: 'uid=logged,ou=people,dc=example,dc=test',
    });
    const syncedReplacement = aPassword();
    secrets.push(cloudPassword, cloudReplacement, wrong, directoryPassword, syncedReplacement);

    for (const [upn, password] of [
      ['logged.cloud@example.test', wrong],
      ['nobody@example.test', wrong],
      ['logged.synced@example.test', wrong],
    ] as const)
      expect((await signIn(upn, password)).status).toBe(401);
    const cloudSession = await signIn('logged.cloud@example.test', cloudPassword);
    const syncedSession = await signIn('logged.synced@example.test', directoryPassword);
    const cloudToken = cloudSession.body.sessionToken ?? '';
    const syncedToken = syncedSession.body.sessionToken ?? '';
    secrets.push(cloudToken, syncedToken, adminToken);
    expect([cloudSession.status, syncedSession.status]).toEqual([200, 200]);
    expect((await change(cloudToken, wrong, cloudReplacement)).status).toBe(422);
    expect((await change(cloudToken, cloudPassword, cloudReplacement)).status).toBe(200);
    expect((await change(syncedToken, directoryPassword, syncedReplacement)).status).toBe(200);
    const reset = await admin.resetPassword(tenantId, cloudUser.body.id, { generate: true });
    secrets.push(reset.body.temporaryPassword ?? 'missing');
    const out = await new CloudApi(stack.cloudUrl, syncedToken).call(
      'POST',
      `/api/v1/tenants/${tenantId}/auth/sign-out`,
    );
    expect(out.status).toBe(204);
  });

  afterAll(async () => {
    await agent?.close();
    await stack?.stop();
    await Promise.all([db?.drop(), vhost?.delete()]);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('records the sign-ins, without any password or session token', () => {
    const log = stack.logFiles.map((f) => readFileSync(f, 'utf8')).join('\n');

    expect(log).toContain('"msg":"sign-in"');
    expect(log).toContain('/auth/sign-in');
    for (const secret of secrets) for (const form of leakForms(secret)) expect(log).not.toContain(form);
  });
});

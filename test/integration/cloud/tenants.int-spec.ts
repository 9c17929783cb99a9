import { createHash } from 'node:crypto';
import { connect } from 'amqplib';
import { CLOUD_QUEUES, commandQueue, commandQueueArguments, deadLetterQueue } from '@sspr/contracts';
import { decryptAtRest, masterKeyFromBase64 } from '@sspr/crypto';
import { CloudApi } from '@sspr/test-support';
import { aSyncedUser, aTenant, startCloud, type CloudUnderTest } from './support/cloud-under-test';

/** Matches any string (typed unknown, so it can sit in an expected object). */
const aString: unknown = expect.any(String);

jest.setTimeout(30_000);

describe('tenants, admin authentication and users (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;

  beforeAll(async () => {
    cloud = await startCloud();
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('refuses to create a tenant without the operator token', async () => {
    const res = await new CloudApi(cloud.baseUrl, 'not-the-operator').call('POST', '/api/v1/tenants', { name: 'Nope' });

    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthenticated' });
  });

  it('creates a premium tenant with writeback on and returns its admin token once', async () => {
    const res = await cloud.operator.call<{ tenant: object; adminToken: string }>('POST', '/api/v1/tenants', {
      name: 'Contoso',
    });

    expect(res.status).toBe(201);
    expect(res.body.tenant).toEqual({
      id: aString,
      name: 'Contoso',
      licence: 'premium',
      writebackEnabled: true,
      createdAt: aString,
    });
    expect(res.body.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps only the hash of the admin token', async () => {
    const tenant = await aTenant(cloud);

    const rows = await cloud.sql<{ token_hash: string }>('SELECT token_hash FROM admin_tokens WHERE tenant_id = $1', [
      tenant.tenantId,
    ]);

    expect(rows).toEqual([{ token_hash: createHash('sha256').update(tenant.adminToken).digest('hex') }]);
  });

  it('stores the tenant’s private signing key only encrypted with the master key', async () => {
    const tenant = await aTenant(cloud);

    const [key] = await cloud.sql<{ kid: string; private_jwk_encrypted: string }>(
      'SELECT kid, private_jwk_encrypted FROM tenant_signing_keys WHERE tenant_id = $1',
      [tenant.tenantId],
    );

    expect(key?.kid).toBe(`cloud:${tenant.tenantId}:1`);
    expect(key?.private_jwk_encrypted).not.toContain('"d"');
    const opened = JSON.parse(
      await decryptAtRest(key?.private_jwk_encrypted ?? '', masterKeyFromBase64(cloud.masterKey)),
    ) as object;
    expect(opened).toMatchObject({ kty: 'OKP', crv: 'Ed25519', d: aString });
  });

  it('declares the tenant’s command queue with the shared arguments, and its dead-letter queue', async () => {
    const tenant = await aTenant(cloud);
    const model = await connect(cloud.vhost.url, { noDelay: true });
    try {
      const channel = await model.createChannel();
      // Re-declaring with the very same arguments succeeds only if the cloud declared exactly these (else 406).
      await expect(
        channel.assertQueue(commandQueue(tenant.tenantId), {
          durable: true,
          arguments: commandQueueArguments(tenant.tenantId),
        }),
      ).resolves.toMatchObject({ queue: commandQueue(tenant.tenantId) });
      await expect(channel.checkQueue(deadLetterQueue(tenant.tenantId))).resolves.toMatchObject({ messageCount: 0 });
      await expect(channel.checkQueue(CLOUD_QUEUES.results)).resolves.toMatchObject({ consumerCount: 1 });
    } finally {
      await model.close();
    }
  });

  it('answers 401 to an unknown admin token', async () => {
    const tenant = await aTenant(cloud);

    const res = await new CloudApi(cloud.baseUrl, 'unknown-token').call('GET', `/api/v1/tenants/${tenant.tenantId}`);

    expect(res.status).toBe(401);
  });

  it('answers a tenant admin on another tenant’s path exactly as for a tenant that does not exist', async () => {
    const mine = await aTenant(cloud, 'Mine');
    const theirs = await aTenant(cloud, 'Theirs');

    const other = await mine.admin.call('GET', `/api/v1/tenants/${theirs.tenantId}/users`);
    const missing = await mine.admin.call('GET', '/api/v1/tenants/00000000-0000-4000-8000-000000000000/users');

    expect(other.status).toBe(404);
    expect(other.body).toEqual(missing.body);
  });

  it('creates, lists and reads users of the tenant', async () => {
    const tenant = await aTenant(cloud);
    const user = await aSyncedUser(tenant);

    const list = await tenant.admin.call<{ users: { id: string }[] }>(
      'GET',
      `/api/v1/tenants/${tenant.tenantId}/users`,
    );
    const one = await tenant.admin.call<{ id: string; source: string; onPremDistinguishedName: string }>(
      'GET',
      `/api/v1/tenants/${tenant.tenantId}/users/${user.id}`,
    );

    expect(list.body.users.map((u) => u.id)).toEqual([user.id]);
    expect(one.body).toMatchObject({ id: user.id, source: 'synced', onPremDistinguishedName: user.dn });
  });

  it('does not show a user to another tenant’s admin', async () => {
    const owner = await aTenant(cloud);
    const stranger = await aTenant(cloud);
    const user = await aSyncedUser(owner);

    const res = await stranger.admin.call('GET', `/api/v1/tenants/${stranger.tenantId}/users/${user.id}`);

    expect(res.status).toBe(404);
  });

  it('refuses a synced user without a distinguished name with 400 naming the field', async () => {
    const tenant = await aTenant(cloud);

    const res = await tenant.admin.call<{ errors: string[] }>('POST', `/api/v1/tenants/${tenant.tenantId}/users`, {
      userPrincipalName: 'no.dn@example.test',
      displayName: 'No DN',
      source: 'synced',
    });

    expect(res.status).toBe(400);
    expect(res.body.errors).toContain('onPremDistinguishedName is required for a synced user');
  });

  it('refuses unknown fields with 400', async () => {
    const tenant = await aTenant(cloud);

    const res = await tenant.admin.call<{ errors: string[] }>('PATCH', `/api/v1/tenants/${tenant.tenantId}/settings`, {
      writebackEnabled: false,
      isAdmin: true,
    });

    expect(res.status).toBe(400);
    expect(res.body.errors).toContain('property isAdmin should not exist');
  });

  it('answers a body that is not JSON with 400 in its own words, without quoting the body', async () => {
    const tenant = await aTenant(cloud);

    const res = await fetch(
      `${cloud.baseUrl}/api/v1/tenants/${tenant.tenantId}/users/${tenant.tenantId}/password-resets`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.adminToken}`, 'content-type': 'application/json' },
        body: '{"password": "Broken-Json-Secret',
      },
    );
    const text = await res.text();

    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ code: 'invalid_input', message: 'The request is malformed.' });
    expect(text).not.toContain('Broken-Json-Secret');
  });

  it('answers an unknown route with 404 in JSON', async () => {
    const res = await fetch(`${cloud.baseUrl}/api/v1/nothing-here`);

    expect(res.status).toBe(404);
    await expect(res.json()).resolves.toMatchObject({ code: 'not_found' });
  });

  it('refuses a second user with the same user principal name with 409', async () => {
    const tenant = await aTenant(cloud);
    const body = { userPrincipalName: 'twin@example.test', displayName: 'Twin', source: 'cloud' };
    await tenant.admin.call('POST', `/api/v1/tenants/${tenant.tenantId}/users`, body);

    const res = await tenant.admin.call('POST', `/api/v1/tenants/${tenant.tenantId}/users`, body);

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'user_exists' });
  });

  it('turns writeback off and on through the settings', async () => {
    const tenant = await aTenant(cloud);

    const off = await tenant.admin.call('PATCH', `/api/v1/tenants/${tenant.tenantId}/settings`, {
      writebackEnabled: false,
    });
    const status = await tenant.admin.status(tenant.tenantId);
    const on = await tenant.admin.call('PATCH', `/api/v1/tenants/${tenant.tenantId}/settings`, {
      writebackEnabled: true,
    });

    expect(off.body).toMatchObject({ writebackEnabled: false });
    expect(status.writebackEnabled).toBe(false);
    expect(on.body).toMatchObject({ writebackEnabled: true });
  });

  it('refuses writeback for a tenant whose licence does not include it with 403', async () => {
    const created = await cloud.operator.call<{ tenant: { id: string }; adminToken: string }>(
      'POST',
      '/api/v1/tenants',
      {
        name: 'Small',
        licence: 'basic',
      },
    );
    const tenant = {
      tenantId: created.body.tenant.id,
      adminToken: created.body.adminToken,
      admin: new CloudApi(cloud.baseUrl, created.body.adminToken),
    };
    const user = await aSyncedUser(tenant);

    const res = await tenant.admin.resetPassword(tenant.tenantId, user.id, { password: 'Whatever-123' });

    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'not_licensed' });
  });
});

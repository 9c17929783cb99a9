import { CloudApi } from '@sspr/test-support';
import { aTenant, startCloud, type CloudUnderTest } from './support/cloud-under-test';

const LIMIT = 3;

/** SPEC §3.7: every public endpoint is rate-limited per network address; the admin API is not. */
describe('per-address rate limits on the public endpoints (real PostgreSQL and RabbitMQ)', () => {
  let cloud: CloudUnderTest;

  beforeAll(async () => {
    cloud = await startCloud({ PUBLIC_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('answers 429 rate_limited once an address made more sign-in attempts in a minute than allowed', async () => {
    const { tenantId } = await aTenant(cloud);
    const anonymous = new CloudApi(cloud.baseUrl);
    const attempt = () =>
      anonymous.call<{ code: string; message: string }>('POST', `/api/v1/tenants/${tenantId}/auth/sign-in`, {
        userPrincipalName: 'nobody@example.test',
        password: 'Not-A-Password-1',
      });

    const allowed = [];
    for (let i = 0; i < LIMIT; i++) allowed.push((await attempt()).status);
    const refused = await attempt();

    expect(allowed).toEqual(new Array(LIMIT).fill(401));
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(refused.body.message).toMatch(/Wait a minute/);
  });

  it('counts agent registrations too', async () => {
    const anonymous = new CloudApi(cloud.baseUrl);
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++) {
      statuses.push((await anonymous.call('POST', '/api/v1/agents/register', { token: 'not-a-token' })).status);
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it('does not limit the admin API', async () => {
    const tenant = await aTenant(cloud);
    const statuses = [];
    for (let i = 0; i <= 2 * LIMIT; i++) {
      statuses.push((await tenant.admin.call('GET', `/api/v1/tenants/${tenant.tenantId}/users`)).status);
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});

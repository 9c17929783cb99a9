import { ConfigError, loadConfig } from './cloud-config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/sspr',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  CLOUD_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  CLOUD_OPERATOR_TOKEN: 'an-operator-token-of-some-length',
};

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(valid);

    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.writeback).toEqual({ deadlineMs: 30_000, safetyMarginMs: 2_000 });
    expect(config.agentHeartbeatIntervalMs).toBe(10_000);
    expect(config.heartbeatFreshnessMs).toBe(30_000);
    expect(config.databaseMigrate).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.userSessionTtlMs).toBe(3_600_000);
  });

  it('parses numbers and booleans from their text', () => {
    const config = loadConfig({
      ...valid,
      HTTP_PORT: '8080',
      DATABASE_MIGRATE: 'false',
      WRITEBACK_DEADLINE_MS: '5000',
      USER_SESSION_TTL_MS: '600000',
    });

    expect(config.http.port).toBe(8080);
    expect(config.databaseMigrate).toBe(false);
    expect(config.writeback.deadlineMs).toBe(5000);
    expect(config.userSessionTtlMs).toBe(600_000);
  });

  it('limits public endpoints to 30 requests a minute per address by default, and reads a proxy setting', () => {
    expect(loadConfig(valid)).toMatchObject({ publicRateLimitPerMinute: 30, trustProxy: undefined });
    expect(loadConfig({ ...valid, PUBLIC_RATE_LIMIT_PER_MINUTE: '120', HTTP_TRUST_PROXY: '1' })).toMatchObject({
      publicRateLimitPerMinute: 120,
      trustProxy: 1,
    });
    expect(loadConfig({ ...valid, HTTP_TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(failure({ ...valid, PUBLIC_RATE_LIMIT_PER_MINUTE: '0' })).toMatch(/PUBLIC_RATE_LIMIT_PER_MINUTE/);
  });

  it('names every missing variable', () => {
    const message = failure({});

    for (const name of ['DATABASE_URL', 'AMQP_URL', 'CLOUD_MASTER_KEY', 'CLOUD_OPERATOR_TOKEN'])
      expect(message).toContain(name);
  });

  it('refuses a master key that is not 32 bytes of base64', () => {
    expect(failure({ ...valid, CLOUD_MASTER_KEY: Buffer.alloc(16).toString('base64') })).toContain('CLOUD_MASTER_KEY');
  });

  it('refuses a safety margin that is not below the deadline', () => {
    expect(failure({ ...valid, WRITEBACK_DEADLINE_MS: '1000', WRITEBACK_SAFETY_MARGIN_MS: '1000' })).toContain(
      'WRITEBACK_SAFETY_MARGIN_MS must be smaller than WRITEBACK_DEADLINE_MS',
    );
  });

  it('never echoes a value in its message', () => {
    const message = failure({ ...valid, CLOUD_OPERATOR_TOKEN: 'short', HTTP_PORT: 'port-eighty' });

    expect(message).not.toContain('short');
    expect(message).not.toContain('port-eighty');
  });

  it('keeps the operator token out of logs and JSON', () => {
    const config = loadConfig(valid);

    expect(JSON.stringify(config)).not.toContain(valid.CLOUD_OPERATOR_TOKEN);
  });
});

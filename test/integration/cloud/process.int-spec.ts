import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@sspr/test-support';

const run = promisify(execFile);

describe('the cloud process (apps/cloud/dist/main.js, built by npm run build)', () => {
  it('exits at boot with a message naming each invalid variable, without echoing secrets', async () => {
    const failure = run(process.execPath, [join(REPO_ROOT, 'apps/cloud/dist/main.js')], {
      env: {
        DATABASE_URL: 'mysql://nope',
        AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
        CLOUD_MASTER_KEY: 'c2hvcnQ=',
        CLOUD_OPERATOR_TOKEN: 'tiny',
        HTTP_PORT: 'eighty',
      },
      timeout: 10_000,
    });

    const err = (await failure.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; stderr?: string } | undefined;
    expect(err?.code).toBe(1);
    for (const name of ['DATABASE_URL', 'CLOUD_MASTER_KEY', 'CLOUD_OPERATOR_TOKEN', 'HTTP_PORT']) {
      expect(err?.stderr).toContain(name);
    }
    expect(err?.stderr).not.toContain('AMQP_URL');
    expect(err?.stderr).not.toContain('tiny');
  });
});

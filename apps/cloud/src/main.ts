import 'reflect-metadata';
import { createCloudApp } from './app.factory';
import { ConfigError, loadConfig } from './config/cloud-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sspr-cloud: ${err.message}\n`);
    process.exit(1);
  }
  const app = await createCloudApp(config);
  await app.listen(config.http.port, config.http.host);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `sspr-cloud: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});

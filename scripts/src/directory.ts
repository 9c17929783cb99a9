/**
 * Serves the sample organization from a throwaway slapd (the `openldap` service of docker-compose.yml):
 * the same configuration, policy and seed as the tests. Runs until stopped.
 */
import { parseArgs } from 'node:util';
import { startSlapd } from '@sspr/test-support';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { host: { type: 'string' }, port: { type: 'string' } } });
  const slapd = await startSlapd({ host: values.host ?? '127.0.0.1', port: Number(values.port ?? 389) });
  process.stdout.write(`slapd serving ${slapd.baseDn} on ${values.host ?? '127.0.0.1'}:${slapd.port}\n`);
  const stop = () => void slapd.destroy().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`directory: ${(err as Error).message}\n`);
  process.exit(1);
});

#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AgentModule } from './agent.module';
import { createDirectory, createSyncSource } from './directory.factory';
import { loadAgentConfig, RegisterEnv } from './config/agent.config';
import { ConfigError, loadEnv } from './config/env';
import { IdentityError, loadIdentity, register } from './identity/agent-identity';
import { AGENT_VERSION } from './version';

const USAGE = `usage:
  sspr-agent register --cloud-url=<url> --token=<one-time token> [--name=<name>]
  sspr-agent run
Configuration comes from the environment (see README: Agent configuration).`;

async function run(): Promise<void> {
  const config = loadAgentConfig();
  const identity = await loadIdentity(config.stateDir);
  // Built before the application: a setting the adapter refuses stops the agent here, with its reason.
  const directory = createDirectory(config);
  const syncLog = new NestLogger('DirectorySync');
  const syncSource = createSyncSource(config, (issue) =>
    // Ids and DNs only; the reason is our own words.
    syncLog.warn({ ...issue }, `sync ${issue.action} a ${issue.objectType}: ${issue.reason}`),
  );
  const app = await NestFactory.createApplicationContext(AgentModule.forRoot(config, identity, directory, syncSource), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
}

async function registerCommand(args: string[]): Promise<void> {
  let values: { 'cloud-url'?: string; token?: string; name?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { 'cloud-url': { type: 'string' }, token: { type: 'string' }, name: { type: 'string' } },
    }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n${USAGE}`);
  }
  if (!values['cloud-url'] || !values.token) throw new ConfigError(USAGE);
  const env = loadEnv(RegisterEnv);
  const identity = await register({
    stateDir: env.AGENT_STATE_DIR,
    cloudUrl: values['cloud-url'],
    token: values.token,
    name: values.name,
    version: AGENT_VERSION,
  });
  process.stdout.write(
    `${JSON.stringify({ registered: true, agentId: identity.agentId, tenantId: identity.tenantId, stateDir: env.AGENT_STATE_DIR })}\n`,
  );
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'register':
      return registerCommand(rest);
    case 'run':
      return run();
    case undefined:
    default:
      throw new ConfigError(USAGE);
  }
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof IdentityError;
  process.stderr.write(`sspr-agent: ${known ? (err as Error).message : String((err as Error).stack ?? err)}\n`);
  process.exit(known ? 2 : 1);
});

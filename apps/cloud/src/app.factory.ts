import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { CloudModule } from './app.module';
import type { CloudConfig } from './config/cloud-config';

/** Builds the cloud app (not yet listening); `main.ts` and the tests both start it this way. */
export async function createCloudApp(config: CloudConfig): Promise<INestApplication> {
  const app = await NestFactory.create(CloudModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const express = app.getHttpAdapter().getInstance() as {
    disable(setting: string): void;
    set(setting: string, value: unknown): void;
  };
  express.disable('x-powered-by');
  if (config.trustProxy !== undefined) express.set('trust proxy', config.trustProxy);
  app.enableShutdownHooks();
  return app;
}

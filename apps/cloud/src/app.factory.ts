import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { CloudModule } from './app.module';
import type { CloudConfig } from './config/cloud-config';

/** Builds the cloud app (not yet listening); `main.ts` and the tests both start it this way. */
export async function createCloudApp(config: CloudConfig): Promise<INestApplication> {
  const app = await NestFactory.create(CloudModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}

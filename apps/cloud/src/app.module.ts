import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AgentsModule } from './agents/agents.module';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthModule } from './auth/auth.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { apiValidationPipe } from './common/api-validation.pipe';
import type { CloudConfig } from './config/cloud-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DirectorySyncModule } from './directory-sync/directory-sync.module';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.controller';
import { loggerParams } from './logging/logger-options';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { OnPremStatusModule } from './onprem-status/onprem-status.module';
import { TenantsModule } from './tenants/tenants.module';
import { UsersModule } from './users/users.module';
import { WritebackModule } from './writeback/writeback.module';

/** The whole cloud service: HTTP API and the workers (outbox relay, results, heartbeats and sync consumers). */
@Module({})
export class CloudModule {
  static forRoot(config: CloudConfig): DynamicModule {
    return {
      module: CloudModule,
      imports: [
        ConfigModule.forRoot(config),
        // Per network address and endpoint, in each replica's memory (SPEC §3.7); applied with
        // @UseGuards(ThrottlerGuard) on the public controllers, not on the admin API.
        ThrottlerModule.forRoot([{ name: 'public', ttl: 60_000, limit: config.publicRateLimitPerMinute }]),
        LoggerModule.forRoot(loggerParams(config.logLevel)),
        DatabaseModule.forRoot(config),
        MessagingModule,
        MetricsModule,
        HealthModule,
        TenantsModule,
        UsersModule,
        GroupsModule,
        AgentsModule,
        WritebackModule,
        AuthModule,
        OnPremStatusModule,
        DirectorySyncModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useFactory: apiValidationPipe },
      ],
    };
  }
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CloudConfig } from '../config/cloud-config';
import { cloudDataSourceOptions, runMigrations } from './data-source';
import { PgNotificationsService } from './pg-notifications.service';
import { SqlService } from './sql.service';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: CloudConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...cloudDataSourceOptions(config.databaseUrl), retryAttempts: 3, retryDelay: 1_000 }),
          // Migrate before anything else touches the schema (workers start only after every module is ready).
          dataSourceFactory: async (options) => {
            if (!options) throw new Error('no data source options');
            const dataSource = await new DataSource(options).initialize();
            if (config.databaseMigrate) await runMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [PgNotificationsService, SqlService],
      exports: [PgNotificationsService, SqlService],
    };
  }
}

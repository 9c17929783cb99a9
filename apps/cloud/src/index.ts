/** What the tests, the demo and the benchmark use to run the cloud in-process. */
export { createCloudApp } from './app.factory';
export { CloudModule } from './app.module';
export { CloudConfig, ConfigError, loadConfig } from './config/cloud-config';
export { cloudDataSourceOptions, migrateDatabase, runMigrations } from './database/data-source';
export { MIGRATIONS } from './database/migrations';
export { CLOUD_DEAD_LETTER_QUEUE } from './messaging/topology';

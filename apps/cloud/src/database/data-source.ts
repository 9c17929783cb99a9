import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Serializes migrations across replicas booting at once (any constant works; this one spells "sspr"). */
const MIGRATION_LOCK = 0x73737072;

export function cloudDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Enough connections for a burst of concurrent resets; each holds one only for a statement.
    extra: { max: 20, application_name: 'sspr-cloud' },
  };
}

/** Runs pending migrations under an advisory lock, so replicas booting together do not race. */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    await runner.release();
  }
}

/** Migrates the database at `url` to the latest schema (used by tests and by `DATABASE_MIGRATE`). */
export async function migrateDatabase(url: string): Promise<void> {
  const dataSource = await new DataSource(cloudDataSourceOptions(url)).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

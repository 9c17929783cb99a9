import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@sspr/test-support';
import { cloudDataSourceOptions, migrateDatabase, MIGRATIONS, runMigrations } from '@sspr/cloud';

jest.setTimeout(30_000);

describe('database migrations (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    dataSource = await new DataSource(cloudDataSourceOptions(db.url)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('create exactly the schema the entities describe', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();

    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('are not run twice', async () => {
    await runMigrations(dataSource);

    const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('can be reverted down to an empty schema and applied again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const tablesAfterDown = await dataSource.query<{ table_name: string }[]>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
    );
    await runMigrations(dataSource);
    const pending = await dataSource.driver.createSchemaBuilder().log();

    expect(tablesAfterDown).toEqual([]);
    expect(pending.upQueries).toEqual([]);
  });
});

import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@sspr/test-support';
import { cloudDataSourceOptions, migrateDatabase, runMigrations } from '@sspr/cloud';

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

  it('give every index the predicate its entity declares (the schema builder does not compare them)', async () => {
    const indexes = await dataSource.query<{ indexname: string; indexdef: string }[]>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    );
    const declared = dataSource.entityMetadatas.flatMap((m) => m.indices).filter((i) => i.name);

    const partial = (name: string) => indexes.find((i) => i.indexname === name)?.indexdef.includes(' WHERE ');
    expect(declared.map((i) => [i.name, partial(i.name)])).toEqual(declared.map((i) => [i.name, Boolean(i.where)]));
  });

  it('are not run twice', async () => {
    await runMigrations(dataSource);

    const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
    expect(applied.map((m) => m.name)).toEqual(dataSource.migrations.map((m) => m.name));
  });

  it('can be reverted down to an empty schema and applied again', async () => {
    for (const _ of dataSource.migrations) await dataSource.undoLastMigration();
    const tablesAfterDown = await dataSource.query<{ table_name: string }[]>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
    );
    await runMigrations(dataSource);
    const pending = await dataSource.driver.createSchemaBuilder().log();

    expect(tablesAfterDown).toEqual([]);
    expect(pending.upQueries).toEqual([]);
  });
});

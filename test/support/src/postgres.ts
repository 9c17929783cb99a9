import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DATABASE_URL } from './env';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database on the server of DATABASE_URL (default: local, user postgres). */
export async function createTestDatabase(): Promise<TestDatabase> {
  // Generated, so safe to quote into DDL (identifiers cannot be bound as parameters).
  const name = `sspr_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

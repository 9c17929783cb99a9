import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What agents' heartbeats now report (issue 3): the directory kind, whether admin resets check the history,
 * the health checks, the reason the directory is unreachable, and the clock skew the cloud measured.
 */
export class AgentHealthChecks1767744000000 implements MigrationInterface {
  name = 'AgentHealthChecks1767744000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "agents"
         ADD "directory_kind" character varying(32),
         ADD "reset_history" character varying(32),
         ADD "directory_detail" character varying(500),
         ADD "health_checks" jsonb,
         ADD "clock_skew_ms" integer`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "agents"
         DROP COLUMN "clock_skew_ms",
         DROP COLUMN "health_checks",
         DROP COLUMN "directory_detail",
         DROP COLUMN "reset_history",
         DROP COLUMN "directory_kind"`,
    );
  }
}

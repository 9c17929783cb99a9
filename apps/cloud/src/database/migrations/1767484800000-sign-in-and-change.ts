import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in and password change (SPEC §3.5): cloud-only users' argon2id hashes, user sessions (token
 * hashes only), the credential verdict of a pass-through check, and reset records without a command
 * (a cloud-only user's admin reset). Generated from the entities, then reviewed; written by hand:
 * - `uq_writeback_commands_pending_user` now leaves out `credentials.verify.v1`: a sign-in writes
 *   nothing, so it neither waits for nor blocks the user's one write in flight;
 * - `ix_users_tenant_upn_lower`, the expression index sign-in looks users up by (TypeORM cannot
 *   describe it; the entity marks it `synchronize: false`).
 */
export class SignInAndChange1767484800000 implements MigrationInterface {
  name = 'SignInAndChange1767484800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "password_hash" character varying(256)`);
    await q.query(`ALTER TABLE "users" ADD "must_change_password" boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE "users" ADD CONSTRAINT "ck_users_password_hash" CHECK ("password_hash" IS NULL OR ("source" = 'cloud' AND "password_hash" LIKE '$argon2id$%'))`,
    );
    await q.query(`CREATE INDEX "ix_users_tenant_upn_lower" ON "users" ("tenant_id", lower("user_principal_name"))`);

    await q.query(`ALTER TABLE "writeback_commands" ADD "credential" character varying(16)`);
    await q.query(`DROP INDEX "public"."uq_writeback_commands_pending_user"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_writeback_commands_pending_user" ON "writeback_commands" ("tenant_id", "user_id") WHERE "state" = 'pending' AND "user_id" IS NOT NULL AND "type" <> 'credentials.verify.v1'`,
    );

    await q.query(`ALTER TABLE "password_resets" ALTER COLUMN "command_id" DROP NOT NULL`);

    await q.query(
      `CREATE TABLE "user_sessions" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "scope" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_user_sessions_scope" CHECK ("scope" IN ('full', 'change_password')), CONSTRAINT "PK_e93e031a5fed190d4789b6bfd83" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_user_sessions_token_hash" ON "user_sessions" ("token_hash")`);
    await q.query(
      `CREATE INDEX "ix_user_sessions_user_active" ON "user_sessions" ("tenant_id", "user_id") WHERE "revoked_at" IS NULL`,
    );
    await q.query(
      `ALTER TABLE "user_sessions" ADD CONSTRAINT "FK_80f606357d45ea2034532c902c1" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "user_sessions" ADD CONSTRAINT "FK_e9658e959c490b0a634dfc54783" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "user_sessions" DROP CONSTRAINT "FK_e9658e959c490b0a634dfc54783"`);
    await q.query(`ALTER TABLE "user_sessions" DROP CONSTRAINT "FK_80f606357d45ea2034532c902c1"`);
    await q.query(`DROP INDEX "public"."ix_user_sessions_user_active"`);
    await q.query(`DROP INDEX "public"."uq_user_sessions_token_hash"`);
    await q.query(`DROP TABLE "user_sessions"`);

    // Cloud-only resets have no command; they cannot be kept under the old constraint.
    await q.query(`DELETE FROM "password_resets" WHERE "command_id" IS NULL`);
    await q.query(`ALTER TABLE "password_resets" ALTER COLUMN "command_id" SET NOT NULL`);

    // Pending credential checks would collide with the old index; they are worthless once settled anyway.
    await q.query(
      `UPDATE "writeback_commands" SET "state" = 'settled', "settled_by" = 'deadline', "settled_at" = now(), "outcome" = 'expired' WHERE "state" = 'pending' AND "type" = 'credentials.verify.v1'`,
    );
    await q.query(`DROP INDEX "public"."uq_writeback_commands_pending_user"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_writeback_commands_pending_user" ON "writeback_commands" ("tenant_id", "user_id") WHERE "state" = 'pending' AND "user_id" IS NOT NULL`,
    );
    await q.query(`ALTER TABLE "writeback_commands" DROP COLUMN "credential"`);

    await q.query(`DROP INDEX "public"."ix_users_tenant_upn_lower"`);
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "ck_users_password_hash"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "must_change_password"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "password_hash"`);
  }
}

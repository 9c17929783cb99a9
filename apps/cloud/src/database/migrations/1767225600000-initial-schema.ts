import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema: tenants and their keys, users, agents, writeback commands with their outbox.
 * Generated from the entities (TypeORM schema builder), then reviewed: the partial unique index
 * `uq_writeback_commands_pending_user` is what allows one pending command per user.
 */
export class InitialSchema1767225600000 implements MigrationInterface {
  name = 'InitialSchema1767225600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "tenants" ("id" uuid NOT NULL, "name" character varying(200) NOT NULL, "licence" character varying(16) NOT NULL, "writeback_enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_tenants_licence" CHECK ("licence" IN ('free', 'basic', 'premium')), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "agents" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "name" character varying(128) NOT NULL, "host" character varying(255) NOT NULL, "version" character varying(64) NOT NULL, "encryption_jwk" jsonb NOT NULL, "signing_jwk" jsonb NOT NULL, "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "last_heartbeat_at" TIMESTAMP WITH TIME ZONE, "directory_reachable" boolean, "directory_latency_ms" integer, "last_applied_at" TIMESTAMP WITH TIME ZONE, "last_result_code" character varying(32), "last_result_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9c653f28ae19c5884d5baf6a1d9" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_agents_tenant" ON "agents" ("tenant_id")`);
    await q.query(
      `CREATE TABLE "registration_tokens" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "agent_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f99849be0c4520e14d10c53557c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_registration_tokens_tenant" ON "registration_tokens" ("tenant_id")`);
    await q.query(`CREATE UNIQUE INDEX "uq_registration_tokens_hash" ON "registration_tokens" ("token_hash")`);
    await q.query(
      `CREATE TABLE "admin_tokens" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_1b8fe3dbc19bbe91baa16ab6b09" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_admin_tokens_tenant" ON "admin_tokens" ("tenant_id")`);
    await q.query(`CREATE UNIQUE INDEX "uq_admin_tokens_hash" ON "admin_tokens" ("token_hash")`);
    await q.query(
      `CREATE TABLE "tenant_signing_keys" ("kid" character varying(128) NOT NULL, "tenant_id" uuid NOT NULL, "public_jwk" jsonb NOT NULL, "private_jwk_encrypted" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3f411d80f4441de4a71b3cddb16" PRIMARY KEY ("kid"))`,
    );
    await q.query(`CREATE INDEX "ix_tenant_signing_keys_tenant" ON "tenant_signing_keys" ("tenant_id")`);
    await q.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "user_principal_name" character varying(256) NOT NULL, "display_name" character varying(256) NOT NULL, "source" character varying(8) NOT NULL, "on_prem_distinguished_name" character varying(2048), "on_prem_immutable_id" character varying(64), "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_users_synced_anchor" CHECK ("source" <> 'synced' OR "on_prem_distinguished_name" IS NOT NULL), CONSTRAINT "ck_users_source" CHECK ("source" IN ('synced', 'cloud')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_users_tenant_upn" ON "users" ("tenant_id", "user_principal_name")`);
    await q.query(
      `CREATE TABLE "writeback_commands" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "user_id" uuid, "type" character varying(64) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'pending', "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "not_after" TIMESTAMP WITH TIME ZONE NOT NULL, "deadline_at" TIMESTAMP WITH TIME ZONE NOT NULL, "outcome" character varying(32), "reason" character varying(32), "agent_id" uuid, "settled_by" character varying(16), "settled_at" TIMESTAMP WITH TIME ZONE, "duration_ms" integer, "late_result_code" character varying(32), "late_result_reason" character varying(32), "late_result_agent_id" uuid, "late_result_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_writeback_commands_state" CHECK ("state" IN ('pending', 'settled')), CONSTRAINT "PK_cdbbf728735c66461c37a206512" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_writeback_commands_pending_deadline" ON "writeback_commands" ("deadline_at") WHERE "state" = 'pending'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_writeback_commands_pending_user" ON "writeback_commands" ("tenant_id", "user_id") WHERE "state" = 'pending' AND "user_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE TABLE "outbox" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "command_id" uuid NOT NULL, "exchange" character varying(255) NOT NULL, "routing_key" character varying(255) NOT NULL, "message_type" character varying(64) NOT NULL, "body" text NOT NULL, "not_after" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "claimed_until" TIMESTAMP WITH TIME ZONE, "published_at" TIMESTAMP WITH TIME ZONE, "dropped_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_outbox_command" ON "outbox" ("command_id")`);
    await q.query(
      `CREATE INDEX "ix_outbox_unpublished" ON "outbox" ("created_at") WHERE "published_at" IS NULL AND "dropped_at" IS NULL`,
    );
    await q.query(
      `CREATE TABLE "password_resets" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "command_id" uuid NOT NULL, "requested_by" character varying(16) NOT NULL, "generated" boolean NOT NULL, "must_change_at_next_sign_in" boolean NOT NULL, "unlock" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "REL_473e28140ad7dd1bdca334b8ca" UNIQUE ("command_id"), CONSTRAINT "PK_4816377aa98211c1de34469e742" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_password_resets_user" ON "password_resets" ("user_id")`);
    await q.query(
      `ALTER TABLE "agents" ADD CONSTRAINT "FK_87e9fdd9a00cd5fa5768aa0e6be" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "registration_tokens" ADD CONSTRAINT "FK_e122c528e4f0c209abe1d9d821b" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "admin_tokens" ADD CONSTRAINT "FK_ac7504bdf5dbdfae939c1e621af" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "tenant_signing_keys" ADD CONSTRAINT "FK_fa1934b7b290ea50afe5ced0ca3" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "users" ADD CONSTRAINT "FK_109638590074998bb72a2f2cf08" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "writeback_commands" ADD CONSTRAINT "FK_efe75aed9594ce0325969f26e61" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "writeback_commands" ADD CONSTRAINT "FK_de170ae3bde3ba5bd1cbf4a6dd1" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "outbox" ADD CONSTRAINT "FK_fe22171ba67910d3b8262c83496" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "outbox" ADD CONSTRAINT "FK_45dc82d8279f3c49ea697745c83" FOREIGN KEY ("command_id") REFERENCES "writeback_commands"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "password_resets" ADD CONSTRAINT "FK_518c8ca9dcdbe598dbfc23a1a62" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "password_resets" ADD CONSTRAINT "FK_f7a4c3bc48f24df007936d217be" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "password_resets" ADD CONSTRAINT "FK_473e28140ad7dd1bdca334b8ca8" FOREIGN KEY ("command_id") REFERENCES "writeback_commands"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "password_resets" DROP CONSTRAINT "FK_473e28140ad7dd1bdca334b8ca8"`);
    await q.query(`ALTER TABLE "password_resets" DROP CONSTRAINT "FK_f7a4c3bc48f24df007936d217be"`);
    await q.query(`ALTER TABLE "password_resets" DROP CONSTRAINT "FK_518c8ca9dcdbe598dbfc23a1a62"`);
    await q.query(`ALTER TABLE "outbox" DROP CONSTRAINT "FK_45dc82d8279f3c49ea697745c83"`);
    await q.query(`ALTER TABLE "outbox" DROP CONSTRAINT "FK_fe22171ba67910d3b8262c83496"`);
    await q.query(`ALTER TABLE "writeback_commands" DROP CONSTRAINT "FK_de170ae3bde3ba5bd1cbf4a6dd1"`);
    await q.query(`ALTER TABLE "writeback_commands" DROP CONSTRAINT "FK_efe75aed9594ce0325969f26e61"`);
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "FK_109638590074998bb72a2f2cf08"`);
    await q.query(`ALTER TABLE "tenant_signing_keys" DROP CONSTRAINT "FK_fa1934b7b290ea50afe5ced0ca3"`);
    await q.query(`ALTER TABLE "admin_tokens" DROP CONSTRAINT "FK_ac7504bdf5dbdfae939c1e621af"`);
    await q.query(`ALTER TABLE "registration_tokens" DROP CONSTRAINT "FK_e122c528e4f0c209abe1d9d821b"`);
    await q.query(`ALTER TABLE "agents" DROP CONSTRAINT "FK_87e9fdd9a00cd5fa5768aa0e6be"`);
    await q.query(`DROP INDEX "public"."ix_password_resets_user"`);
    await q.query(`DROP TABLE "password_resets"`);
    await q.query(`DROP INDEX "public"."ix_outbox_unpublished"`);
    await q.query(`DROP INDEX "public"."ix_outbox_command"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query(`DROP INDEX "public"."uq_writeback_commands_pending_user"`);
    await q.query(`DROP INDEX "public"."ix_writeback_commands_pending_deadline"`);
    await q.query(`DROP TABLE "writeback_commands"`);
    await q.query(`DROP INDEX "public"."uq_users_tenant_upn"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP INDEX "public"."ix_tenant_signing_keys_tenant"`);
    await q.query(`DROP TABLE "tenant_signing_keys"`);
    await q.query(`DROP INDEX "public"."uq_admin_tokens_hash"`);
    await q.query(`DROP INDEX "public"."ix_admin_tokens_tenant"`);
    await q.query(`DROP TABLE "admin_tokens"`);
    await q.query(`DROP INDEX "public"."uq_registration_tokens_hash"`);
    await q.query(`DROP INDEX "public"."ix_registration_tokens_tenant"`);
    await q.query(`DROP TABLE "registration_tokens"`);
    await q.query(`DROP INDEX "public"."ix_agents_tenant"`);
    await q.query(`DROP TABLE "agents"`);
    await q.query(`DROP TABLE "tenants"`);
  }
}

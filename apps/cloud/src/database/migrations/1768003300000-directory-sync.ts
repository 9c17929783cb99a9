import type { MigrationInterface, QueryRunner } from 'typeorm';
import { normalizeDn } from '../../directory-sync/distinguished-name';

/**
 * Directory sync (issue 3): users gain contact info, soft deletion and the time a sync last saw them;
 * groups with their members (as DNs); a record of each sync run. Generated from the entities, then
 * reviewed. By hand: `uq_users_tenant_upn` becomes partial (a deleted user frees its UPN; the schema
 * builder does not compare index predicates, so nothing else would notice), and existing users' DNs
 * are normalized with the code the sync uses (a change to `normalizeDn` needs a migration that
 * re-normalizes `users.on_prem_dn_normalized`, `groups.dn_normalized` and `group_members.member_dn`).
 */
export class DirectorySync1768003300000 implements MigrationInterface {
  name = 'DirectorySync1768003300000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "directory_syncs" ("sync_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "agent_id" uuid NOT NULL, "mode" character varying(8) NOT NULL, "batch_count" integer NOT NULL, "received_sequences" integer array NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_batch_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, "created" integer NOT NULL, "updated" integer NOT NULL, "unchanged" integer NOT NULL, "deleted" integer NOT NULL, "conflicts" integer NOT NULL, CONSTRAINT "ck_directory_syncs_mode" CHECK ("mode" IN ('full', 'delta')), CONSTRAINT "PK_9625c08bcbd0b09e4a09abd183b" PRIMARY KEY ("sync_id"))`,
    );
    await q.query(`CREATE INDEX "ix_directory_syncs_tenant_started" ON "directory_syncs" ("tenant_id", "started_at")`);
    await q.query(
      `CREATE TABLE "groups" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "source" character varying(8) NOT NULL, "anchor" character varying(64), "dn" character varying(2048), "dn_normalized" character varying(2048), "display_name" character varying(256) NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE, "last_synced_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_groups_synced_anchor" CHECK ("source" <> 'synced' OR ("anchor" IS NOT NULL AND "dn" IS NOT NULL)), CONSTRAINT "ck_groups_source" CHECK ("source" IN ('synced', 'cloud')), CONSTRAINT "PK_659d1483316afb28afd3a90646e" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_groups_tenant_dn" ON "groups" ("tenant_id", "dn_normalized") WHERE "dn_normalized" IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_groups_tenant_anchor" ON "groups" ("tenant_id", "anchor")`);
    await q.query(
      `CREATE TABLE "group_members" ("group_id" uuid NOT NULL, "member_dn" character varying(2048) NOT NULL, "tenant_id" uuid NOT NULL, CONSTRAINT "PK_7af56b02402ccff9bdd7ce4dfd2" PRIMARY KEY ("group_id", "member_dn"))`,
    );
    await q.query(`CREATE INDEX "ix_group_members_tenant_member" ON "group_members" ("tenant_id", "member_dn")`);
    await q.query(`ALTER TABLE "users" ADD "on_prem_dn_normalized" character varying(2048)`);
    await q.query(`ALTER TABLE "users" ADD "mail" character varying(256)`);
    await q.query(`ALTER TABLE "users" ADD "mobile_phone" character varying(64)`);
    await q.query(`ALTER TABLE "users" ADD "office_phone" character varying(64)`);
    await q.query(`ALTER TABLE "users" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "users" ADD "last_synced_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `CREATE INDEX "ix_users_tenant_dn" ON "users" ("tenant_id", "on_prem_dn_normalized") WHERE "on_prem_dn_normalized" IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_users_tenant_anchor" ON "users" ("tenant_id", "on_prem_immutable_id") WHERE "on_prem_immutable_id" IS NOT NULL`,
    );
    await q.query(`DROP INDEX "public"."uq_users_tenant_upn"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_users_tenant_upn" ON "users" ("tenant_id", "user_principal_name") WHERE "deleted_at" IS NULL`,
    );
    await q.query(
      `ALTER TABLE "directory_syncs" ADD CONSTRAINT "FK_2d88ec24d6e5c5decc77c351da8" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "groups" ADD CONSTRAINT "FK_245f58bdfb3e9529b4100d9c5e7" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "group_members" ADD CONSTRAINT "FK_2c840df5db52dc6b4a1b0b69c6e" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "group_members" ADD CONSTRAINT "FK_768882a24d8c1ad55b4140bfbb0" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    const users = (await q.query(
      `SELECT id, on_prem_distinguished_name AS dn FROM users WHERE on_prem_distinguished_name IS NOT NULL`,
    )) as { id: string; dn: string }[];
    for (let i = 0; i < users.length; i += 1_000) {
      const chunk = users.slice(i, i + 1_000);
      await q.query(
        `UPDATE users u SET on_prem_dn_normalized = n.dn
           FROM unnest($1::uuid[], $2::text[]) AS n(id, dn) WHERE u.id = n.id`,
        [chunk.map((u) => u.id), chunk.map((u) => normalizeDn(u.dn))],
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "group_members" DROP CONSTRAINT "FK_768882a24d8c1ad55b4140bfbb0"`);
    await q.query(`ALTER TABLE "group_members" DROP CONSTRAINT "FK_2c840df5db52dc6b4a1b0b69c6e"`);
    await q.query(`ALTER TABLE "groups" DROP CONSTRAINT "FK_245f58bdfb3e9529b4100d9c5e7"`);
    await q.query(`ALTER TABLE "directory_syncs" DROP CONSTRAINT "FK_2d88ec24d6e5c5decc77c351da8"`);
    // Fails (and so keeps the data) if a deleted user shares its UPN with a live one: resolve that by hand.
    await q.query(`DROP INDEX "public"."uq_users_tenant_upn"`);
    await q.query(`CREATE UNIQUE INDEX "uq_users_tenant_upn" ON "users" ("tenant_id", "user_principal_name")`);
    await q.query(`DROP INDEX "public"."uq_users_tenant_anchor"`);
    await q.query(`DROP INDEX "public"."ix_users_tenant_dn"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "last_synced_at"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "deleted_at"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "office_phone"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "mobile_phone"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "mail"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "on_prem_dn_normalized"`);
    await q.query(`DROP INDEX "public"."ix_group_members_tenant_member"`);
    await q.query(`DROP TABLE "group_members"`);
    await q.query(`DROP INDEX "public"."uq_groups_tenant_anchor"`);
    await q.query(`DROP INDEX "public"."ix_groups_tenant_dn"`);
    await q.query(`DROP TABLE "groups"`);
    await q.query(`DROP INDEX "public"."ix_directory_syncs_tenant_started"`);
    await q.query(`DROP TABLE "directory_syncs"`);
  }
}

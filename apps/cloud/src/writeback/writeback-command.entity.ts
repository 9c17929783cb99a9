import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { CredentialVerdict, PolicyReason, ResultCode } from '@sspr/contracts';
import { TenantEntity } from '../tenants/tenant.entity';
import { UserEntity } from '../users/user.entity';

export type CommandState = 'pending' | 'settled';
/** Who settled the command: an agent's verdict, or the cloud itself at the deadline. */
export type SettledBy = 'agent' | 'deadline';

/** One command sent to the tenant's agents, from issue to verdict. */
@Entity('writeback_commands')
@Check('ck_writeback_commands_state', `"state" IN ('pending', 'settled')`)
// At most one command per user in flight (SPEC §4.4): a second request is refused until this one settles.
// A credentials check writes nothing, so it neither waits for nor blocks a user's writes.
@Index('uq_writeback_commands_pending_user', ['tenantId', 'userId'], {
  unique: true,
  where: `"state" = 'pending' AND "user_id" IS NOT NULL AND "type" <> 'credentials.verify.v1'`,
})
@Index('ix_writeback_commands_pending_deadline', ['deadlineAt'], { where: `"state" = 'pending'` })
export class WritebackCommandEntity {
  /** Also the envelope id, the AMQP messageId and the JWE's additional data. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  /** Null for a connection test. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** The message type (`password.reset.v1`, …). */
  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  state!: CommandState;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  /** The agent never starts a write after this (deadline minus the safety margin). */
  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  /** The cloud settles the command itself at this time if no verdict came. */
  @Column({ name: 'deadline_at', type: 'timestamptz' })
  deadlineAt!: Date;

  @Column({ type: 'varchar', length: 32, nullable: true })
  outcome!: ResultCode | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: PolicyReason | null;

  /** What the bind as the user said, for a credentials.verify.v1 command. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  credential!: CredentialVerdict | null;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId!: string | null;

  @Column({ name: 'settled_by', type: 'varchar', length: 16, nullable: true })
  settledBy!: SettledBy | null;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt!: Date | null;

  /** How long the directory operation took, as the agent measured it. */
  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  /** A verdict that arrived after the cloud had settled the command at the deadline. */
  @Column({ name: 'late_result_code', type: 'varchar', length: 32, nullable: true })
  lateResultCode!: ResultCode | null;

  @Column({ name: 'late_result_reason', type: 'varchar', length: 32, nullable: true })
  lateResultReason!: PolicyReason | null;

  @Column({ name: 'late_result_agent_id', type: 'uuid', nullable: true })
  lateResultAgentId!: string | null;

  @Column({ name: 'late_result_at', type: 'timestamptz', nullable: true })
  lateResultAt!: Date | null;
}

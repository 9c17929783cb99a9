import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SyncMode } from '@sspr/contracts';
import { TenantEntity } from '../tenants/tenant.entity';

/**
 * One sync run of an agent (`directory.sync.v1` batches sharing a `syncId`): which batches arrived,
 * what they changed, and when the run completed (every sequence 0..batchCount-1 received).
 */
@Entity('directory_syncs')
@Index('ix_directory_syncs_tenant_started', ['tenantId', 'startedAt'])
@Check('ck_directory_syncs_mode', `"mode" IN ('full', 'delta')`)
export class DirectorySyncEntity {
  @PrimaryColumn({ name: 'sync_id', type: 'uuid' })
  syncId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: SyncMode;

  @Column({ name: 'batch_count', type: 'integer' })
  batchCount!: number;

  /** The sequences recorded so far, each once: a redelivered batch is recognized and changes nothing. */
  @Column({ name: 'received_sequences', type: 'integer', array: true })
  receivedSequences!: number[];

  /** Cloud time of the earliest batch transaction of the run; a full run deletes what was not seen since. */
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'last_batch_at', type: 'timestamptz' })
  lastBatchAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** Objects (users and groups) the run inserted, changed, found as they were, deleted, or skipped as conflicts. */
  @Column({ type: 'integer' })
  created!: number;

  @Column({ type: 'integer' })
  updated!: number;

  @Column({ type: 'integer' })
  unchanged!: number;

  @Column({ type: 'integer' })
  deleted!: number;

  @Column({ type: 'integer' })
  conflicts!: number;
}

import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '../tenants/tenant.entity';
import { WritebackCommandEntity } from './writeback-command.entity';

/**
 * A message to publish, written in the same transaction as its command (transactional outbox).
 * `body` is the signed JWS; any secret in it is sealed to the agents.
 */
@Entity('outbox')
@Index('ix_outbox_unpublished', ['createdAt'], { where: `"published_at" IS NULL AND "dropped_at" IS NULL` })
export class OutboxMessageEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Index('ix_outbox_command')
  @Column({ name: 'command_id', type: 'uuid' })
  commandId!: string;

  @ManyToOne(() => WritebackCommandEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'command_id' })
  command?: WritebackCommandEntity;

  @Column({ type: 'varchar', length: 255 })
  exchange!: string;

  @Column({ name: 'routing_key', type: 'varchar', length: 255 })
  routingKey!: string;

  @Column({ name: 'message_type', type: 'varchar', length: 64 })
  messageType!: string;

  @Column({ type: 'text' })
  body!: string;

  /** Never published after this; the relay marks it dropped instead. */
  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** A replica holds the row until then (the publishing replica's lease); the sweep skips it. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'dropped_at', type: 'timestamptz', nullable: true })
  droppedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;
}

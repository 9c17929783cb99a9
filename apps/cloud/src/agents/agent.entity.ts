import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, CreateDateColumn } from 'typeorm';
import type { JWK } from 'jose';
import type { DirectoryKind, HealthCheck, ResetHistoryPolicy } from '@sspr/contracts';
import { TenantEntity } from '../tenants/tenant.entity';

/** A registered on-premises agent: its public keys and what its heartbeats last said. */
@Entity('agents')
export class AgentEntity {
  /** Also the `kid` of its signatures and of its JWE recipient entry. */
  @PrimaryColumn('uuid')
  id!: string;

  @Index('ix_agents_tenant')
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 255 })
  host!: string;

  @Column({ type: 'varchar', length: 64 })
  version!: string;

  /** Public X25519 JWK: passwords are sealed to it. */
  @Column({ name: 'encryption_jwk', type: 'jsonb' })
  encryptionJwk!: JWK;

  /** Public Ed25519 JWK: its results and heartbeats are verified with it. */
  @Column({ name: 'signing_jwk', type: 'jsonb' })
  signingJwk!: JWK;

  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** Cloud receive time of the last valid heartbeat. */
  @Column({ name: 'last_heartbeat_at', type: 'timestamptz', nullable: true })
  lastHeartbeatAt!: Date | null;

  @Column({ name: 'directory_reachable', type: 'boolean', nullable: true })
  directoryReachable!: boolean | null;

  @Column({ name: 'directory_latency_ms', type: 'integer', nullable: true })
  directoryLatencyMs!: number | null;

  @Column({ name: 'last_applied_at', type: 'timestamptz', nullable: true })
  lastAppliedAt!: Date | null;

  @Column({ name: 'last_result_code', type: 'varchar', length: 32, nullable: true })
  lastResultCode!: string | null;

  @Column({ name: 'last_result_at', type: 'timestamptz', nullable: true })
  lastResultAt!: Date | null;

  @Column({ name: 'directory_kind', type: 'varchar', length: 32, nullable: true })
  directoryKind!: DirectoryKind | null;

  @Column({ name: 'reset_history', type: 'varchar', length: 32, nullable: true })
  resetHistory!: ResetHistoryPolicy | null;

  /** The agent's own words for why the directory is unreachable (never server text). */
  @Column({ name: 'directory_detail', type: 'varchar', length: 500, nullable: true })
  directoryDetail!: string | null;

  /** The checks of the last heartbeat, as the agent reported them. */
  @Column({ name: 'health_checks', type: 'jsonb', nullable: true })
  healthChecks!: HealthCheck[] | null;

  /** Agent clock minus cloud clock at the last heartbeat (includes the broker transit, a few ms). */
  @Column({ name: 'clock_skew_ms', type: 'integer', nullable: true })
  clockSkewMs!: number | null;
}

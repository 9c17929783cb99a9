import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '../tenants/tenant.entity';
import { UserEntity } from '../users/user.entity';
import { WritebackCommandEntity } from './writeback-command.entity';

/** The record of a password reset (never the password); its verdict is on its command. */
@Entity('password_resets')
export class PasswordResetEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Index('ix_password_resets_user')
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** Null for a cloud-only user: the cloud set the hash itself, no command went out. */
  @Column({ name: 'command_id', type: 'uuid', nullable: true })
  commandId!: string | null;

  @OneToOne(() => WritebackCommandEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'command_id' })
  command?: WritebackCommandEntity;

  /** `admin` for now; self-service comes with the reset flow. */
  @Column({ name: 'requested_by', type: 'varchar', length: 16 })
  requestedBy!: string;

  @Column({ type: 'boolean' })
  generated!: boolean;

  @Column({ name: 'must_change_at_next_sign_in', type: 'boolean' })
  mustChangeAtNextSignIn!: boolean;

  @Column({ type: 'boolean' })
  unlock!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

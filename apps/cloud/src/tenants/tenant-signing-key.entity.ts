import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';
import { TenantEntity } from './tenant.entity';

/** The cloud's command-signing key of a tenant; the private JWK is stored encrypted (CLOUD_MASTER_KEY). */
@Entity('tenant_signing_keys')
export class TenantSigningKeyEntity {
  /** `cloud:<tenantId>:<n>` */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  kid!: string;

  @Index('ix_tenant_signing_keys_tenant')
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: JWK;

  @Column({ name: 'private_jwk_encrypted', type: 'text' })
  privateJwkEncrypted!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}

import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const LICENCES = ['free', 'basic', 'premium'] as const;
export type Licence = (typeof LICENCES)[number];

@Entity('tenants')
@Check('ck_tenants_licence', `"licence" IN ('free', 'basic', 'premium')`)
export class TenantEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  licence!: Licence;

  @Column({ name: 'writeback_enabled', type: 'boolean', default: true })
  writebackEnabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

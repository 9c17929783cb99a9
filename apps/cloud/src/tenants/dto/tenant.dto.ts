import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { LICENCES, type Licence, type TenantEntity } from '../tenant.entity';

export class CreateTenantDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsIn(LICENCES)
  licence?: Licence;
}

export class UpdateTenantSettingsDto {
  /** Write passwords back to the on-premises directory (SPEC §3.3, On-premises integration). */
  @IsOptional()
  @IsBoolean()
  writebackEnabled?: boolean;
}

export interface TenantView {
  id: string;
  name: string;
  licence: Licence;
  writebackEnabled: boolean;
  createdAt: string;
}

export function toTenantView(t: TenantEntity): TenantView {
  return {
    id: t.id,
    name: t.name,
    licence: t.licence,
    writebackEnabled: t.writebackEnabled,
    createdAt: t.createdAt.toISOString(),
  };
}

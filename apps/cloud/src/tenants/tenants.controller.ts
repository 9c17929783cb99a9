import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard, OperatorGuard } from './auth.guards';
import { CreateTenantDto, type TenantView, UpdateTenantSettingsDto } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  /** Operator only. The admin token is shown once. */
  @Post()
  @UseGuards(OperatorGuard)
  create(@Body() dto: CreateTenantDto): Promise<{ tenant: TenantView; adminToken: string }> {
    return this.tenants.create(dto);
  }

  @Get(':tenantId')
  @UseGuards(AdminGuard)
  get(@Param('tenantId', UuidParam) tenantId: string): Promise<TenantView> {
    return this.tenants.get(tenantId);
  }

  @Patch(':tenantId/settings')
  @UseGuards(AdminGuard)
  updateSettings(
    @Param('tenantId', UuidParam) tenantId: string,
    @Body() dto: UpdateTenantSettingsDto,
  ): Promise<TenantView> {
    return this.tenants.updateSettings(tenantId, dto);
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminTokenEntity } from './admin-token.entity';
import { AdminTokensService } from './admin-tokens.service';
import { AdminGuard, OperatorGuard } from './auth.guards';
import { TenantKeysService } from './tenant-keys.service';
import { TenantSigningKeyEntity } from './tenant-signing-key.entity';
import { TenantEntity } from './tenant.entity';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({
  imports: [TypeOrmModule.forFeature([TenantEntity, TenantSigningKeyEntity, AdminTokenEntity])],
  controllers: [TenantsController],
  providers: [TenantsService, TenantKeysService, AdminTokensService, AdminGuard, OperatorGuard],
  exports: [TenantKeysService, AdminTokensService, AdminGuard],
})
export class TenantsModule {}

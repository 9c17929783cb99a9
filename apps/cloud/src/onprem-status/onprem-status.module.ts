import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { TenantsModule } from '../tenants/tenants.module';
import { WritebackModule } from '../writeback/writeback.module';
import { OnPremStatusController } from './onprem-status.controller';
import { OnPremStatusService } from './onprem-status.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, TenantEntity]), TenantsModule, WritebackModule],
  controllers: [OnPremStatusController],
  providers: [OnPremStatusService],
})
export class OnPremStatusModule {}

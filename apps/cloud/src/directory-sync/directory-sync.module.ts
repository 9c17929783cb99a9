import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { TenantsModule } from '../tenants/tenants.module';
import { DirectorySyncConsumer } from './directory-sync.consumer';
import { DirectorySyncEntity } from './directory-sync.entity';
import { DirectorySyncRepository } from './directory-sync.repository';
import { DirectorySyncsController } from './directory-syncs.controller';
import { DirectorySyncsService } from './directory-syncs.service';

/** The cloud side of identity sync: applies agents' `directory.sync.v1` batches and lists the runs. */
@Module({
  imports: [TypeOrmModule.forFeature([DirectorySyncEntity]), TenantsModule, AgentsModule],
  controllers: [DirectorySyncsController],
  providers: [DirectorySyncRepository, DirectorySyncConsumer, DirectorySyncsService],
})
export class DirectorySyncModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '../tenants/tenants.module';
import { AgentKeyring } from './agent-keyring.service';
import { AgentEntity } from './agent.entity';
import { AgentRegistrationController, AgentsController } from './agents.controller';
import { AgentsRepository } from './agents.repository';
import { AgentsService } from './agents.service';
import { HeartbeatsConsumer } from './heartbeats.consumer';
import { RegistrationTokenEntity } from './registration-token.entity';
import { ReplyVerifier } from './reply-verifier.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, RegistrationTokenEntity]), TenantsModule],
  controllers: [AgentsController, AgentRegistrationController],
  providers: [AgentsService, AgentsRepository, AgentKeyring, ReplyVerifier, HeartbeatsConsumer],
  exports: [AgentKeyring, ReplyVerifier, AgentsService],
})
export class AgentsModule {}

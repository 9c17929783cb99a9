import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { CredentialsModule } from '../auth/credentials.module';
import { TenantsModule } from '../tenants/tenants.module';
import { CommandsRepository } from './commands.repository';
import { OutboxRelay } from './outbox-relay.service';
import { PasswordResetsController } from './password-resets.controller';
import { PasswordResetsService } from './password-resets.service';
import { ResultsConsumer } from './results.consumer';
import { VerdictWaiters } from './verdict-waiters.service';
import { WritebackTargets } from './writeback-targets.service';
import { WritebackService } from './writeback.service';

@Module({
  imports: [TenantsModule, AgentsModule, CredentialsModule],
  controllers: [PasswordResetsController],
  providers: [
    WritebackService,
    PasswordResetsService,
    CommandsRepository,
    WritebackTargets,
    VerdictWaiters,
    OutboxRelay,
    ResultsConsumer,
  ],
  exports: [WritebackService],
})
export class WritebackModule {}

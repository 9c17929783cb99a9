import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REDACTED_LOG_PATHS } from '@sspr/contracts';
import type { DirectoryAdapter, DirectorySyncSource } from '@sspr/directory';
import { AgentRuntime } from './agent.runtime';
import type { AgentConfig } from './config/agent.config';
import type { AgentIdentity } from './identity/agent-identity';
import { AGENT_CONFIG, AGENT_IDENTITY, DIRECTORY, DIRECTORY_SYNC } from './tokens';

@Module({})
export class AgentModule {
  static forRoot(
    config: AgentConfig,
    identity: AgentIdentity,
    directory: DirectoryAdapter,
    syncSource: DirectorySyncSource | null,
  ): DynamicModule {
    return {
      module: AgentModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            base: { app: 'sspr-agent', agentId: identity.agentId },
            redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
          },
        }),
      ],
      providers: [
        { provide: AGENT_CONFIG, useValue: config },
        { provide: AGENT_IDENTITY, useValue: identity },
        { provide: DIRECTORY, useValue: directory },
        { provide: DIRECTORY_SYNC, useValue: syncSource },
        AgentRuntime,
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REDACTED_LOG_PATHS } from '@sspr/contracts';
import { OpenLdapAdapter } from '@sspr/directory';
import { AgentRuntime } from './agent.runtime';
import type { AgentConfig } from './config/agent.config';
import type { AgentIdentity } from './identity/agent-identity';
import { AGENT_CONFIG, AGENT_IDENTITY, DIRECTORY, DIRECTORY_SYNC } from './tokens';

@Module({})
export class AgentModule {
  static forRoot(config: AgentConfig, identity: AgentIdentity): DynamicModule {
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
        {
          provide: DIRECTORY,
          useFactory: () =>
            new OpenLdapAdapter({
              url: config.ldap.url,
              bindDn: config.ldap.bindDn,
              bindPassword: config.ldap.bindPassword,
              baseDn: config.ldap.baseDn,
              timeoutMs: config.ldap.timeoutMs,
              allowProtectedAccounts: config.allowProtectedAccounts,
              protectedFilter: config.ldap.protectedFilter,
              tls:
                config.ldap.ca !== undefined || config.ldap.servername !== undefined
                  ? { ca: config.ldap.ca, servername: config.ldap.servername }
                  : undefined,
            }),
        },
        { provide: DIRECTORY_SYNC, useValue: null },
        AgentRuntime,
      ],
    };
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { DirectoryAdapter } from '@sspr/directory';
import { AmqpConnection } from '@sspr/messaging';
import { CommandExecutor } from './commands/command-executor';
import type { AgentConfig } from './config/agent.config';
import { AgentState } from './heartbeat/agent-state';
import { HeartbeatService } from './heartbeat/heartbeat.service';
import type { AgentIdentity } from './identity/agent-identity';
import { CommandConsumer } from './messaging/command-consumer';
import { ReplyPublisher } from './messaging/replies';
import { AGENT_CONFIG, AGENT_IDENTITY, DIRECTORY } from './tokens';
import { AGENT_VERSION } from './version';

/** Starts and stops the agent's moving parts in order: broker, consumer, heartbeat. */
@Injectable()
export class AgentRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AgentRuntime.name);
  private amqp: AmqpConnection | undefined;
  private consumer: CommandConsumer | undefined;
  private heartbeat: HeartbeatService | undefined;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    @Inject(AGENT_IDENTITY) private readonly identity: AgentIdentity,
    @Inject(DIRECTORY) private readonly directory: DirectoryAdapter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const state = new AgentState();
    const connection = () => {
      if (!this.amqp) throw new Error('broker connection not open yet');
      return this.amqp;
    };
    const executor = new CommandExecutor(this.identity, this.directory);
    const replies = new ReplyPublisher(this.identity, connection);
    const consumer = new CommandConsumer(this.identity, connection, executor, replies, state, this.config.prefetch);
    this.consumer = consumer;
    this.amqp = await AmqpConnection.open({
      url: this.config.amqpUrl,
      name: `sspr-agent ${this.identity.agentId}`,
      setup: (model, publisher) => consumer.start(() => model.createChannel(), publisher),
      onStateChange: (connected, err) =>
        connected
          ? this.logger.log('connected to the broker')
          : this.logger.warn({ err: err?.message }, 'disconnected from the broker; reconnecting'),
    });
    this.heartbeat = new HeartbeatService(
      this.identity,
      this.directory,
      replies,
      state,
      this.config.heartbeatIntervalMs,
      AGENT_VERSION,
    );
    this.heartbeat.start();
    this.logger.log({ agentId: this.identity.agentId, tenantId: this.identity.tenantId }, 'agent started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.heartbeat?.stop();
    await this.consumer?.stop();
    await this.amqp?.close();
    await this.directory.close();
  }
}

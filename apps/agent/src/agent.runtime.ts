import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { DirectoryAdapter, DirectorySyncSource } from '@sspr/directory';
import { AmqpConnection } from '@sspr/messaging';
import { CommandExecutor } from './commands/command-executor';
import type { AgentConfig } from './config/agent.config';
import { AgentState } from './heartbeat/agent-state';
import { HeartbeatService } from './heartbeat/heartbeat.service';
import type { AgentIdentity } from './identity/agent-identity';
import { CommandConsumer } from './messaging/command-consumer';
import { ReplyPublisher } from './messaging/replies';
import { SyncRunner } from './sync/sync-runner';
import { AGENT_CONFIG, AGENT_IDENTITY, DIRECTORY, DIRECTORY_SYNC } from './tokens';
import { AGENT_VERSION } from './version';

/** Starts and stops the agent's moving parts in order: broker, consumer, heartbeat, identity sync. */
@Injectable()
export class AgentRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AgentRuntime.name);
  private amqp: AmqpConnection | undefined;
  private consumer: CommandConsumer | undefined;
  private heartbeat: HeartbeatService | undefined;
  private sync: SyncRunner | undefined;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    @Inject(AGENT_IDENTITY) private readonly identity: AgentIdentity,
    @Inject(DIRECTORY) private readonly directory: DirectoryAdapter,
    /** Null when identity sync is disabled. */
    @Inject(DIRECTORY_SYNC) private readonly syncSource: DirectorySyncSource | null,
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
      onStateChange: (connected, err) => {
        if (connected) return this.logger.log('connected to the broker');
        state.recordBrokerDrop();
        this.logger.warn({ err: err?.message }, 'disconnected from the broker; reconnecting');
      },
    });
    if (this.syncSource) {
      this.sync = new SyncRunner(this.identity, this.syncSource, replies, this.config.sync);
    }
    const sync = this.sync;
    this.heartbeat = new HeartbeatService(
      this.identity,
      this.directory,
      replies,
      state,
      {
        brokerConnected: () => this.amqp?.connected ?? false,
        queueDepth: () => consumer.queueDepth(),
        sync: sync && (() => sync.health()),
      },
      this.config.heartbeatIntervalMs,
      AGENT_VERSION,
    );
    this.heartbeat.start();
    this.sync?.start();
    this.logger.log({ agentId: this.identity.agentId, tenantId: this.identity.tenantId }, 'agent started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sync?.stop();
    await this.heartbeat?.stop();
    await this.consumer?.stop();
    await this.amqp?.close();
    await this.directory.close();
  }
}

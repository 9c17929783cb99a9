import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Channel, ChannelModel, Options } from 'amqplib';
import { AmqpConnection, assertTenantTopology } from '@sspr/messaging';
import { CloudConfig } from '../config/cloud-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { assertCloudTopology } from './topology';

/** Work to redo after every (re)connect: consumers register here before the connection starts. */
export type ConnectionSetup = (model: ChannelModel) => Promise<void>;

/**
 * The replica's one AMQP connection (libs/messaging: recovery re-runs the topology and every
 * registered setup; publishing goes through the current confirm channel).
 */
@Injectable()
export class AmqpService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AmqpService.name);
  private readonly setups: ConnectionSetup[] = [];
  private readonly shutdownHooks: (() => Promise<void>)[] = [];
  private connection: AmqpConnection | undefined;

  constructor(private readonly config: CloudConfig) {}

  /** Registers a setup (e.g. a consumer) to run on every connection; call it in onModuleInit. */
  onConnect(setup: ConnectionSetup): void {
    this.setups.push(setup);
  }

  /** Runs before the connection closes (consumers cancel and drain their in-flight deliveries). */
  beforeClose(hook: () => Promise<void>): void {
    this.shutdownHooks.push(hook);
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.connection = await AmqpConnection.open({
      url: this.config.amqpUrl,
      name: 'sspr-cloud',
      initialDelayMs: 100,
      // Fail the boot (not hang) when the broker is unreachable from the start.
      initialRetries: 8,
      setup: async (fresh, publisher) => {
        await assertCloudTopology(publisher);
        for (const setup of this.setups) await setup(fresh);
      },
      onStateChange: (connected, err) =>
        connected
          ? this.logger.log('connected to the broker')
          : this.logger.warn({ err: err?.message }, 'broker connection lost; reconnecting'),
      onChannelError: (err) => this.logger.warn({ err: err.message }, 'publisher channel error'),
    });
  }

  /** Publishes persistently and resolves once the broker confirmed the message. */
  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new DomainError(ErrorCode.BrokerUnavailable);
    try {
      await connection.publish(exchange, routingKey, body, { ...options, persistent: true });
    } catch {
      throw new DomainError(ErrorCode.BrokerUnavailable);
    }
  }

  /** Declares a tenant's queues on a short-lived channel (a refused declaration closes only that channel). */
  async assertTenantTopology(tenantId: string): Promise<void> {
    let channel: Channel;
    try {
      if (!this.connection) throw new DomainError(ErrorCode.BrokerUnavailable);
      channel = await this.connection.createChannel();
    } catch {
      throw new DomainError(ErrorCode.BrokerUnavailable);
    }
    channel.on('error', (err: Error) => this.logger.error({ err: err.message, tenantId }, 'tenant topology refused'));
    try {
      await assertTenantTopology(channel, tenantId);
    } finally {
      await channel
        .close()
        .catch((err: Error) => this.logger.debug({ err: err.message }, 'topology channel already closed'));
    }
  }

  async onModuleDestroy(): Promise<void> {
    for (const hook of this.shutdownHooks) await hook();
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }
}

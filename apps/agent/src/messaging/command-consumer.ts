import { Logger } from '@nestjs/common';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  DEAD_LETTER_REASON_HEADER,
  EXCHANGES,
  MessageType,
  ResultCode,
  commandQueue,
  type Message,
  type WritebackResultV1,
} from '@sspr/contracts';
import { assertTenantTopology, type AmqpConnection } from '@sspr/messaging';
import type { CommandExecutor, Executed } from '../commands/command-executor';
import type { Disposition } from '../commands/disposition';
import type { AgentIdentity } from '../identity/agent-identity';
import type { AgentState } from '../heartbeat/agent-state';
import type { ReplyPublisher } from './replies';

const RESULT_TTL_MS = 60 * 60 * 1000;

/**
 * Consumes the tenant's command queue with manual acks and an explicit prefetch. Every delivery
 * ends in exactly one call of `settle()`, whatever the handler did (including throwing).
 */
export class CommandConsumer {
  private readonly logger = new Logger(CommandConsumer.name);
  private readonly inFlight = new Set<Promise<void>>();
  private channel: Channel | undefined;
  private consumerTag: string | undefined;

  constructor(
    private readonly identity: AgentIdentity,
    private readonly amqp: () => AmqpConnection,
    private readonly executor: CommandExecutor,
    private readonly replies: ReplyPublisher,
    private readonly state: AgentState,
    private readonly prefetch: number,
  ) {}

  /** Called after every (re)connect with the fresh connection's channels. */
  async start(channelFactory: () => Promise<Channel>, publisher: ConfirmChannel): Promise<void> {
    await assertTenantTopology(publisher, this.identity.tenantId);
    const channel = await channelFactory();
    channel.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'command channel error'));
    await channel.prefetch(this.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(
      commandQueue(this.identity.tenantId),
      (msg) => {
        if (msg === null) {
          this.logger.warn('the broker cancelled the command consumer');
          return;
        }
        const work = this.handle(channel, msg).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  /** Commands ready in the tenant's queue (not yet delivered to any agent); undefined when not connected. */
  async queueDepth(): Promise<number | undefined> {
    if (!this.channel) return undefined;
    const { messageCount } = await this.channel.checkQueue(commandQueue(this.identity.tenantId));
    return messageCount;
  }

  /** Stops taking new commands and waits for those in hand to be settled. */
  async stop(): Promise<void> {
    if (this.channel && this.consumerTag) {
      await this.channel.cancel(this.consumerTag).catch((err: Error) => {
        this.logger.warn({ err: err.message }, 'cancel failed; the broker will redeliver unacked commands');
      });
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const started = performance.now();
    const receivedAt = Date.now();
    let executed: Executed;
    try {
      executed = await this.executor.execute({ body: msg.content, redelivered: msg.fields.redelivered });
      if (executed.message && !msg.fields.redelivered)
        this.state.recordCommandLag(executed.message.issuedAt, receivedAt);
    } catch (err) {
      const messageId = msg.properties.messageId as unknown;
      this.logger.error({ err: (err as Error).message, messageId }, 'command handler failed');
      executed = { disposition: { kind: 'retry', reason: 'unexpected agent error' } };
    }
    await this.settle(channel, msg, executed, performance.now() - started);
  }

  /** The one place a command delivery is acked, requeued or dead-lettered. */
  private async settle(channel: Channel, msg: ConsumeMessage, executed: Executed, elapsedMs: number): Promise<void> {
    const { disposition, message } = executed;
    const log = {
      messageId: msg.properties.messageId as unknown,
      type: message?.type,
      redelivered: msg.fields.redelivered,
    };
    try {
      switch (disposition.kind) {
        case 'reply':
          if (message) await this.publishResult(message, disposition, elapsedMs);
          this.state.recordResult(disposition.code);
          this.logger.log({ ...log, code: disposition.code, reason: disposition.reason }, 'command answered');
          channel.ack(msg);
          return;
        case 'dead-letter':
          await this.amqp().publish(EXCHANGES.deadLetter, `tenant.${this.identity.tenantId}.dead`, msg.content, {
            messageId: msg.properties.messageId as string | undefined,
            type: msg.properties.type as string | undefined,
            contentType: msg.properties.contentType as string | undefined,
            headers: { [DEAD_LETTER_REASON_HEADER]: disposition.reason },
          });
          this.logger.warn({ ...log, reason: disposition.reason }, 'command dead-lettered');
          channel.ack(msg);
          return;
        case 'retry':
          this.logger.warn({ ...log, reason: disposition.reason }, 'command requeued');
          channel.nack(msg, false, true);
          return;
      }
    } catch (err) {
      // The answer could not be published (broker gone): leave the command for a redelivery, which
      // settles it without applying twice.
      this.logger.warn({ ...log, err: (err as Error).message }, 'could not settle; command will be redelivered');
      this.requeue(channel, msg);
    }
  }

  private requeue(channel: Channel, msg: ConsumeMessage): void {
    try {
      channel.nack(msg, false, true);
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'channel closed; the broker requeues unacked commands itself');
    }
  }

  private async publishResult(
    command: Message,
    disposition: Extract<Disposition, { kind: 'reply' }>,
    elapsedMs: number,
  ): Promise<void> {
    const payload: WritebackResultV1 = {
      commandId: command.id,
      commandType: command.type,
      agentId: this.identity.agentId,
      code: disposition.code,
      reason: disposition.code === ResultCode.RejectedByPolicy ? disposition.reason : undefined,
      detail: disposition.detail,
      credential: disposition.credential,
      durationMs: Math.round(elapsedMs),
      completedAt: new Date().toISOString(),
    };
    await this.replies.publish(MessageType.WritebackResult, payload, RESULT_TTL_MS);
  }
}

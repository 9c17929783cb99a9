import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';

/**
 * What becomes of a delivery — the one rule (STYLE.md, golevelup's "Message Handling"):
 * - `ack`: handled (including a duplicate or a late reply that was recorded);
 * - `dead-letter`: can never succeed (bad signature, unknown or revoked signer, invalid message,
 *   another tenant's command): nack without requeue, so the broker dead-letters it; logged with the reason;
 * - `retry`: might succeed later (the database failed): nack with requeue; the queue's
 *   `x-delivery-limit` bounds the loop and then dead-letters it.
 */
export type Settlement =
  { action: 'ack' } | { action: 'dead-letter'; reason: string } | { action: 'retry'; reason: string };

export const ACK: Settlement = { action: 'ack' };

export interface QueueConsumerSpec {
  queue: string;
  prefetch: number;
  /**
   * Pause before a `retry` goes back to the queue, so an outage (e.g. PostgreSQL restarting) spends
   * the delivery limit over seconds, not milliseconds.
   */
  retryDelayMs: number;
  handle(message: ConsumeMessage): Promise<Settlement>;
}

/** Settles one delivery as decided; a closed channel means the broker redelivers it anyway. */
export function settle(channel: Channel, message: ConsumeMessage, settlement: Settlement, logger: Logger): void {
  const context = { messageId: message.properties.messageId as unknown, type: message.properties.type as unknown };
  try {
    switch (settlement.action) {
      case 'ack':
        channel.ack(message);
        return;
      case 'dead-letter':
        logger.warn({ ...context, reason: settlement.reason }, 'reply refused and dead-lettered');
        channel.nack(message, false, false);
        return;
      case 'retry':
        logger.warn(
          { ...context, reason: settlement.reason, redelivered: message.fields.redelivered },
          'reply requeued',
        );
        channel.nack(message, false, true);
        return;
    }
  } catch (err) {
    logger.warn(
      { ...context, err: (err as Error).message },
      'could not settle a delivery; the broker will redeliver it',
    );
  }
}

/** A consumer with manual acks and an explicit prefetch; a handler that throws still settles (retry). */
export class QueueConsumer {
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly spec: QueueConsumerSpec,
    private readonly logger: Logger,
  ) {}

  /** Opens a channel on a fresh connection and starts consuming (runs again after every reconnect). */
  async start(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (err: Error) =>
      this.logger.warn({ err: err.message, queue: this.spec.queue }, 'consumer channel error'),
    );
    await channel.prefetch(this.spec.prefetch);
    const { consumerTag } = await channel.consume(
      this.spec.queue,
      (message) => {
        if (!message) {
          this.logger.warn({ queue: this.spec.queue }, 'the broker cancelled the consumer');
          return;
        }
        const work = this.deliver(channel, message);
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
      { noAck: false },
    );
    this.channel = channel;
    this.consumerTag = consumerTag;
  }

  private async deliver(channel: Channel, message: ConsumeMessage): Promise<void> {
    let settlement: Settlement;
    try {
      settlement = await this.spec.handle(message);
    } catch (err) {
      settlement = { action: 'retry', reason: (err as Error).message };
    }
    if (settlement.action === 'retry' && !this.stopping) await delay(this.spec.retryDelayMs);
    settle(channel, message, settlement, this.logger);
  }

  /** Stops taking deliveries and waits for the ones in hand to settle. */
  async stop(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    this.channel = undefined;
    if (channel && this.consumerTag) {
      await channel
        .cancel(this.consumerTag)
        .catch((err: Error) => this.logger.debug({ err: err.message }, 'cancel failed'));
    }
    await Promise.allSettled([...this.inFlight]);
  }
}

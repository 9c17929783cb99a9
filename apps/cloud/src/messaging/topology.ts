import type { Channel } from 'amqplib';
import { CLOUD_QUEUES, EXCHANGES, QUORUM, REPLY_ROUTING } from '@sspr/contracts';
import { assertExchanges } from '@sspr/messaging';

/** Where the cloud's own refused replies land (invalid, untrusted, or failing past the delivery limit). */
export const CLOUD_DEAD_LETTER_QUEUE = 'sspr.cloud.dead';
const CLOUD_DEAD_LETTER_BINDING = 'cloud.#';

/** Bounds requeues of a reply whose handling keeps failing (e.g. the database is down), then dead-letters it. */
export const CLOUD_QUEUE_DELIVERY_LIMIT = 20;

function cloudQueueArguments(deadLetterRoutingKey: string): Record<string, unknown> {
  return {
    ...QUORUM,
    'x-delivery-limit': CLOUD_QUEUE_DELIVERY_LIMIT,
    'x-dead-letter-exchange': EXCHANGES.deadLetter,
    'x-dead-letter-routing-key': deadLetterRoutingKey,
  };
}

/** The exchanges and the queues every cloud replica shares (SPEC §4.1, docs/protocol.md). */
export async function assertCloudTopology(channel: Channel): Promise<void> {
  await assertExchanges(channel);

  await channel.assertQueue(CLOUD_DEAD_LETTER_QUEUE, { durable: true, arguments: { ...QUORUM } });
  await channel.bindQueue(CLOUD_DEAD_LETTER_QUEUE, EXCHANGES.deadLetter, CLOUD_DEAD_LETTER_BINDING);

  await channel.assertQueue(CLOUD_QUEUES.results, {
    durable: true,
    arguments: cloudQueueArguments('cloud.results.dead'),
  });
  await channel.bindQueue(CLOUD_QUEUES.results, EXCHANGES.replies, REPLY_ROUTING.allResults);

  await channel.assertQueue(CLOUD_QUEUES.heartbeats, {
    durable: true,
    arguments: cloudQueueArguments('cloud.heartbeats.dead'),
  });
  await channel.bindQueue(CLOUD_QUEUES.heartbeats, EXCHANGES.replies, REPLY_ROUTING.allHeartbeats);

  await channel.assertQueue(CLOUD_QUEUES.sync, {
    durable: true,
    arguments: cloudQueueArguments('cloud.sync.dead'),
  });
  await channel.bindQueue(CLOUD_QUEUES.sync, EXCHANGES.replies, REPLY_ROUTING.allSync);
}

import type { Channel } from 'amqplib';
import {
  EXCHANGES,
  QUORUM,
  commandQueue,
  commandQueueArguments,
  deadLetterQueue,
  tenantBinding,
} from '@sspr/contracts';

/** The exchanges every side publishes to (docs/protocol.md, Topology). */
export async function assertExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(EXCHANGES.commands, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.replies, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.deadLetter, 'topic', { durable: true });
}

/**
 * A tenant's command queue and dead-letter queue. The cloud declares them when the tenant is created and
 * the agent on every connect; both come here, so the arguments can never differ (RabbitMQ refuses that).
 */
export async function assertTenantTopology(channel: Channel, tenantId: string): Promise<void> {
  await assertExchanges(channel);
  await channel.assertQueue(commandQueue(tenantId), { durable: true, arguments: commandQueueArguments(tenantId) });
  await channel.bindQueue(commandQueue(tenantId), EXCHANGES.commands, tenantBinding(tenantId));
  await channel.assertQueue(deadLetterQueue(tenantId), { durable: true, arguments: { ...QUORUM } });
  await channel.bindQueue(deadLetterQueue(tenantId), EXCHANGES.deadLetter, tenantBinding(tenantId));
}

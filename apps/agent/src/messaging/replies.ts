import { randomUUID } from 'node:crypto';
import {
  EXCHANGES,
  MessageType,
  REPLY_ROUTING,
  type AgentHeartbeatV1,
  type DirectorySyncV1,
  type Message,
} from '@sspr/contracts';
import { signMessage } from '@sspr/crypto';
import type { AmqpConnection } from '@sspr/messaging';
import type { AgentIdentity } from '../identity/agent-identity';

/** Signs and publishes what the agent tells the cloud: results and heartbeats. */
export class ReplyPublisher {
  constructor(
    private readonly identity: AgentIdentity,
    /** The current broker connection (it exists once the agent has connected). */
    private readonly amqp: () => AmqpConnection,
  ) {}

  async publish(
    type: MessageType.WritebackResult | MessageType.AgentHeartbeat | MessageType.DirectorySync,
    payload: object,
    ttlMs: number,
  ): Promise<void> {
    const issuedAt = new Date();
    const message: Omit<Message, 'payload'> & { payload: object } = {
      type,
      id: randomUUID(),
      tenantId: this.identity.tenantId,
      issuedAt: issuedAt.toISOString(),
      notAfter: new Date(issuedAt.getTime() + ttlMs).toISOString(),
      payload,
    };
    const jws = await signMessage(message, { kid: this.identity.agentId, privateKey: this.identity.signingKey });
    const routingKey = {
      [MessageType.WritebackResult]: REPLY_ROUTING.result,
      [MessageType.AgentHeartbeat]: REPLY_ROUTING.heartbeat,
      [MessageType.DirectorySync]: REPLY_ROUTING.sync,
    }[type](this.identity.tenantId);
    await this.amqp().publish(EXCHANGES.replies, routingKey, Buffer.from(jws), {
      messageId: message.id,
      type,
      contentType: 'application/jose',
      timestamp: Math.floor(issuedAt.getTime() / 1000),
    });
  }

  heartbeat(payload: AgentHeartbeatV1, ttlMs: number): Promise<void> {
    return this.publish(MessageType.AgentHeartbeat, payload, ttlMs);
  }

  sync(payload: DirectorySyncV1, ttlMs: number): Promise<void> {
    return this.publish(MessageType.DirectorySync, payload, ttlMs);
  }
}

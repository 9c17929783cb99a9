import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { CLOUD_QUEUES, MessageType } from '@sspr/contracts';
import { AgentsRepository } from './agents.repository';
import { AmqpService } from '../messaging/amqp.service';
import { ACK, QueueConsumer, type Settlement } from '../messaging/queue-consumer';
import { MetricsService } from '../metrics/metrics.service';
import { ReplyVerifier, UntrustedReplyError } from './reply-verifier.service';

const PREFETCH = 32;
const RETRY_DELAY_MS = 1_000;

/** Records what agents say about themselves; the status page is derived from it. */
@Injectable()
export class HeartbeatsConsumer implements OnModuleInit {
  private readonly logger = new Logger(HeartbeatsConsumer.name);
  private readonly consumer = new QueueConsumer(
    { queue: CLOUD_QUEUES.heartbeats, prefetch: PREFETCH, retryDelayMs: RETRY_DELAY_MS, handle: (m) => this.handle(m) },
    this.logger,
  );

  constructor(
    private readonly amqp: AmqpService,
    private readonly verifier: ReplyVerifier,
    private readonly agents: AgentsRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.amqp.onConnect((model) => this.consumer.start(model));
    this.amqp.beforeClose(() => this.consumer.stop());
  }

  async handle(delivery: ConsumeMessage): Promise<Settlement> {
    let verified;
    try {
      verified = await this.verifier.verify(delivery.content, MessageType.AgentHeartbeat);
    } catch (err) {
      if (!(err instanceof UntrustedReplyError)) throw err;
      this.metrics.repliesRefused.inc({ queue: CLOUD_QUEUES.heartbeats });
      return { action: 'dead-letter', reason: err.reason };
    }
    const { agent, message } = verified;
    if (Date.parse(message.notAfter) < Date.now()) {
      // Says nothing about now (it sat in a queue); freshness is judged by receive time.
      this.logger.debug({ agentId: agent.agentId }, 'stale heartbeat ignored');
      return ACK;
    }
    await this.agents.recordHeartbeat(agent.agentId, agent.tenantId, message.payload, message.issuedAt);
    return ACK;
  }
}

import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { CLOUD_QUEUES, MessageType } from '@sspr/contracts';
import { ReplyVerifier, UntrustedReplyError } from '../agents/reply-verifier.service';
import { AmqpService } from '../messaging/amqp.service';
import { ACK, QueueConsumer, type Settlement } from '../messaging/queue-consumer';
import { MetricsService } from '../metrics/metrics.service';
import { DirectorySyncRepository } from './directory-sync.repository';

/** Few at a time: a batch is up to 500 objects and one transaction; more in flight only means more lock waits. */
const PREFETCH = 4;
/** With the queue's delivery limit (20), a batch survives a database outage of about 20 s. */
const RETRY_DELAY_MS = 1_000;

/**
 * Consumes agents' `directory.sync.v1` batches (competing consumers on every replica; batches of a run
 * in any order, possibly more than once): verify the signature against the registered agent, then apply
 * the batch to that agent's tenant in one transaction. The tenant is the verified agent's, never the
 * payload's; the payload's agentId must be the signer (ReplyVerifier).
 */
@Injectable()
export class DirectorySyncConsumer implements OnModuleInit {
  private readonly logger = new Logger(DirectorySyncConsumer.name);
  private readonly consumer = new QueueConsumer(
    { queue: CLOUD_QUEUES.sync, prefetch: PREFETCH, retryDelayMs: RETRY_DELAY_MS, handle: (m) => this.handle(m) },
    this.logger,
  );

  constructor(
    private readonly amqp: AmqpService,
    private readonly verifier: ReplyVerifier,
    private readonly repository: DirectorySyncRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.amqp.onConnect((model) => this.consumer.start(model));
    this.amqp.beforeClose(() => this.consumer.stop());
  }

  async handle(delivery: ConsumeMessage): Promise<Settlement> {
    let verified;
    try {
      verified = await this.verifier.verify(delivery.content, MessageType.DirectorySync);
    } catch (err) {
      if (!(err instanceof UntrustedReplyError)) throw err;
      return this.refuse(err.reason);
    }
    const { agent, message } = verified;
    const batch = message.payload;
    if (batch.sequence >= batch.batchCount) {
      return this.refuse(`sequence ${batch.sequence} outside its run of ${batch.batchCount} batches`);
    }
    // notAfter is not enforced: a batch held up by an outage still belongs to its run, and a run is only
    // complete once every batch is in.
    const origin = { tenantId: agent.tenantId, agentId: agent.agentId };
    const context = {
      tenantId: origin.tenantId,
      agentId: origin.agentId,
      syncId: batch.syncId,
      sequence: batch.sequence,
    };
    const outcome = await this.repository.applyBatch(origin, batch);
    switch (outcome.kind) {
      case 'refused':
        return this.refuse(outcome.reason);
      case 'duplicate':
        this.metrics.syncBatches.inc({ outcome: 'duplicate' });
        this.logger.debug(context, 'sync batch already applied; ignored');
        return ACK;
      case 'applied':
        this.metrics.syncBatches.inc({ outcome: 'applied' });
        for (const conflict of outcome.conflicts) {
          // Ids only: the UPN that collided is personal data.
          this.logger.warn({ ...context, ...conflict }, 'synced user skipped: its user principal name is taken');
        }
        this.logger.log({ ...context, mode: batch.mode, ...outcome.counters }, 'sync batch applied');
        if (outcome.completed) {
          this.logger.log({ ...context, mode: batch.mode, ...outcome.completed }, 'sync run completed');
        }
        return ACK;
    }
  }

  private refuse(reason: string): Settlement {
    this.metrics.repliesRefused.inc({ queue: CLOUD_QUEUES.sync });
    this.metrics.syncBatches.inc({ outcome: 'refused' });
    return { action: 'dead-letter', reason };
  }
}

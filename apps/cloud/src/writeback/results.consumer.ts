import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { CLOUD_QUEUES, MessageType } from '@sspr/contracts';
import { ReplyVerifier, UntrustedReplyError } from '../agents/reply-verifier.service';
import { AmqpService } from '../messaging/amqp.service';
import { ACK, QueueConsumer, type Settlement } from '../messaging/queue-consumer';
import { MetricsService } from '../metrics/metrics.service';
import { CommandsRepository, type AgentResult } from './commands.repository';
import { VerdictWaiters } from './verdict-waiters.service';

const PREFETCH = 64;
/** With the queue's delivery limit (20), a verdict survives a database outage of about 20 s. */
const RETRY_DELAY_MS = 1_000;

/**
 * Consumes agents' results (competing consumers on every replica): verify, record the verdict in
 * PostgreSQL (which NOTIFYs the waiting request wherever it is), then ack.
 */
@Injectable()
export class ResultsConsumer implements OnModuleInit {
  private readonly logger = new Logger(ResultsConsumer.name);
  private readonly consumer = new QueueConsumer(
    { queue: CLOUD_QUEUES.results, prefetch: PREFETCH, retryDelayMs: RETRY_DELAY_MS, handle: (m) => this.handle(m) },
    this.logger,
  );

  constructor(
    private readonly amqp: AmqpService,
    private readonly verifier: ReplyVerifier,
    private readonly commands: CommandsRepository,
    private readonly waiters: VerdictWaiters,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.amqp.onConnect((model) => this.consumer.start(model));
    this.amqp.beforeClose(() => this.consumer.stop());
  }

  async handle(delivery: ConsumeMessage): Promise<Settlement> {
    let verified;
    try {
      verified = await this.verifier.verify(delivery.content, MessageType.WritebackResult);
    } catch (err) {
      if (!(err instanceof UntrustedReplyError)) throw err;
      return this.refuse(err.reason);
    }
    const { agent, message } = verified;
    const p = message.payload;
    const result: AgentResult = {
      commandId: p.commandId,
      tenantId: message.tenantId,
      type: p.commandType,
      outcome: p.code,
      reason: p.reason ?? null,
      credential: p.credential ?? null,
      agentId: agent.agentId,
      durationMs: p.durationMs,
    };

    // The waiter may be right here: answer it now, then record (the ack waits for the record). Others
    // are woken by the record's NOTIFY.
    const answered = this.waiters.answerEarly({ ...result, settledBy: 'agent' });
    const notify = !answered && !this.waiters.isWaiting(result.commandId);
    let verdict;
    try {
      verdict = await this.commands.settleWithResult(result, notify);
    } finally {
      if (answered) this.waiters.recorded(result.commandId);
    }
    if (verdict) {
      this.metrics.writebackResults.inc({ type: verdict.type, outcome: verdict.outcome });
      if (!answered) this.waiters.deliver(verdict);
      return ACK;
    }
    return this.unsettled(result);
  }

  /** The result settled nothing: find out why, and keep, ignore or refuse it. */
  private async unsettled(result: AgentResult): Promise<Settlement> {
    const command = await this.commands.describe(result.commandId);
    if (!command) return this.refuse('result for an unknown command');
    if (command.tenantId !== result.tenantId)
      return this.refuse(`result for a command of another tenant (agent ${result.agentId})`);
    if (command.type !== result.type) return this.refuse('result type does not match the command');
    if (command.state === 'pending') return { action: 'retry', reason: 'command still pending after an update' };
    if (command.settledBy === 'deadline') {
      if (await this.commands.recordLateResult(result)) {
        this.logger.warn(
          { commandId: result.commandId, tenantId: result.tenantId, outcome: result.outcome, agentId: result.agentId },
          'late result recorded after the deadline; TODO notify user by email',
        );
      }
      return ACK;
    }
    // A second result for a command an agent already settled (a redelivery): the first one stands.
    this.logger.debug({ commandId: result.commandId, agentId: result.agentId }, 'duplicate result ignored');
    return ACK;
  }

  private refuse(reason: string): Settlement {
    this.metrics.repliesRefused.inc({ queue: CLOUD_QUEUES.results });
    return { action: 'dead-letter', reason };
  }
}

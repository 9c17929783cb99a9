import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import {
  commandRoutingKey,
  EXCHANGES,
  MessageType,
  ResultCode,
  type DirectoryTarget,
  type PayloadOf,
  type Secret,
} from '@sspr/contracts';
import { sealSecret, signMessage, type SealRecipient } from '@sspr/crypto';
import { AgentKeyring } from '../agents/agent-keyring.service';
import { CloudConfig } from '../config/cloud-config';
import { DomainError, ErrorCode, WritebackOutcomeError } from '../common/domain-error';
import { OUTCOME_HTTP_STATUS } from '../common/http-status';
import { MetricsService } from '../metrics/metrics.service';
import { TenantKeysService } from '../tenants/tenant-keys.service';
import { CommandsRepository, type NewCommand } from './commands.repository';
import type {
  ConnectionTestView,
  PasswordChangeView,
  PasswordResetDto,
  PasswordResetView,
  UnlockView,
} from './dto/password-reset.dto';
import { OutboxRelay } from './outbox-relay.service';
import { generateTemporaryPassword } from './temporary-password';
import { verdictText, type Verdict } from './verdict';
import { VerdictWaiters } from './verdict-waiters.service';
import { WritebackTargets } from './writeback-targets.service';

/**
 * A user's previous command may have been answered a moment ago and still be recording its verdict:
 * on this replica the new command waits for that record (at most PREVIOUS_RECORD_WAIT_MS); answered
 * on another replica, it tries again a few times (IN_FLIGHT_ATTEMPTS × IN_FLIGHT_RETRY_MS).
 */
const PREVIOUS_RECORD_WAIT_MS = 200;
const IN_FLIGHT_ATTEMPTS = 5;
const IN_FLIGHT_RETRY_MS = 10;

type CommandMessageType =
  | MessageType.PasswordReset
  | MessageType.PasswordChange
  | MessageType.AccountUnlock
  | MessageType.CredentialsVerify
  | MessageType.ConnectionTest;

interface WritebackTarget {
  userId: string;
  dn: string;
  immutableId: string | null;
}

interface IssueSpec<T extends CommandMessageType> {
  tenantId: string;
  userId: string | null;
  commandId: string;
  type: T;
  payload: PayloadOf<T>;
  reset?: NewCommand['reset'];
}

/**
 * Issues commands to the tenant's agents and waits for the directory's verdict (SPEC §4, docs/protocol.md):
 * seal → sign → one transaction (command + reset record + outbox) → publish → verdict or deadline.
 */
@Injectable()
export class WritebackService {
  private readonly logger = new Logger(WritebackService.name);

  constructor(
    private readonly config: CloudConfig,
    private readonly commands: CommandsRepository,
    private readonly targets: WritebackTargets,
    private readonly keyring: AgentKeyring,
    private readonly tenantKeys: TenantKeysService,
    private readonly waiters: VerdictWaiters,
    private readonly relay: OutboxRelay,
    private readonly metrics: MetricsService,
  ) {}

  async resetPassword(tenantId: string, userId: string, dto: PasswordResetDto): Promise<PasswordResetView> {
    const password: Secret = dto.password ?? generateTemporaryPassword();
    const commandId = randomUUID();
    // Sealing (the costliest step) overlaps the user lookup. Its error, if any, surfaces when awaited
    // below; this only keeps it from being an unhandled rejection when the lookup fails first.
    const sealing = this.recipients(tenantId).then((recipients) => sealSecret(password, recipients, commandId));
    void sealing.catch(() => undefined);
    const target = await this.writebackTarget(tenantId, userId);
    const secret = await sealing;

    const resetId = randomUUID();
    const options = { mustChangeAtNextSignIn: dto.mustChangeAtNextSignIn ?? false, unlock: dto.unlock ?? false };
    const { verdict } = await this.issue({
      tenantId,
      userId,
      commandId,
      type: MessageType.PasswordReset,
      payload: { userId, target: this.directoryTarget(target), secret, ...options },
      reset: { id: resetId, generated: dto.password === undefined, ...options },
    });
    const view: PasswordResetView = { resetId, commandId, ...this.describe(verdict) };
    if (verdict.outcome !== ResultCode.Applied) throw new WritebackOutcomeError(verdict.outcome, view);
    // The one place a password leaves the cloud in clear: to the admin who asked for a generated one.
    if (dto.password === undefined) view.temporaryPassword = password.reveal();
    return view;
  }

  async unlock(tenantId: string, userId: string): Promise<UnlockView> {
    const target = await this.writebackTarget(tenantId, userId);
    await this.recipients(tenantId);
    const commandId = randomUUID();
    const { verdict } = await this.issue({
      tenantId,
      userId,
      commandId,
      type: MessageType.AccountUnlock,
      payload: { userId, target: this.directoryTarget(target) },
    });
    const view: UnlockView = { commandId, ...this.describe(verdict) };
    if (verdict.outcome !== ResultCode.Applied) throw new WritebackOutcomeError(verdict.outcome, view);
    return view;
  }

  /**
   * Pass-through sign-in: the agent binds as the user with this password and answers with the bind's
   * verdict (`verdict.credential`, when `verdict.outcome` is applied). Writes nothing, so it is not held
   * back by (and does not hold back) a write in flight for the same user.
   */
  async verifyCredentials(tenantId: string, userId: string, password: Secret): Promise<Verdict> {
    const commandId = randomUUID();
    const sealing = this.recipients(tenantId).then((recipients) => sealSecret(password, recipients, commandId));
    void sealing.catch(() => undefined);
    const target = await this.writebackTarget(tenantId, userId, 'Signing in with an on-premises password');
    const secret = await sealing;
    const { verdict } = await this.issue({
      tenantId,
      userId,
      commandId,
      type: MessageType.CredentialsVerify,
      payload: { userId, target: this.directoryTarget(target), secret },
    });
    return verdict;
  }

  /**
   * A user change (the user knows the current password): the directory checks the current one and
   * applies its own policy, history and minimum age included. Both passwords travel sealed.
   */
  async changePassword(
    tenantId: string,
    userId: string,
    current: Secret,
    replacement: Secret,
  ): Promise<PasswordChangeView> {
    const commandId = randomUUID();
    const sealing = this.recipients(tenantId).then(async (recipients) => ({
      currentSecret: await sealSecret(current, recipients, commandId),
      newSecret: await sealSecret(replacement, recipients, commandId),
    }));
    void sealing.catch(() => undefined);
    const target = await this.writebackTarget(tenantId, userId);
    const { currentSecret, newSecret } = await sealing;
    const { verdict } = await this.issue({
      tenantId,
      userId,
      commandId,
      type: MessageType.PasswordChange,
      payload: { userId, target: this.directoryTarget(target), currentSecret, newSecret },
    });
    const view: PasswordChangeView = { commandId, ...this.describe(verdict) };
    if (verdict.outcome !== ResultCode.Applied) {
      const status = OUTCOME_HTTP_STATUS[verdict.outcome];
      throw new WritebackOutcomeError(verdict.outcome, { statusCode: status, code: verdict.outcome, ...view });
    }
    return view;
  }

  /** A signed no-op through the whole path (outbox → broker → agent → result). */
  async testConnection(tenantId: string): Promise<ConnectionTestView> {
    await this.recipients(tenantId);
    const commandId = randomUUID();
    const { verdict, roundTripMs } = await this.issue({
      tenantId,
      userId: null,
      commandId,
      type: MessageType.ConnectionTest,
      payload: { nonce: randomBytes(16).toString('base64url') },
    });
    return {
      commandId,
      outcome: verdict.outcome,
      agentId: verdict.agentId,
      roundTripMs,
      message:
        verdict.outcome === ResultCode.Applied
          ? `The on-premises agent answered a signed test command in ${roundTripMs} ms: writeback works.`
          : verdictText(verdict.outcome, verdict.reason),
    };
  }

  /** The tenant's active agents: every secret is sealed to all of them. None → the integration is not configured. */
  private async recipients(tenantId: string): Promise<SealRecipient[]> {
    const recipients = await this.keyring.recipients(tenantId);
    if (recipients.length === 0) throw new DomainError(ErrorCode.NotConfigured);
    return recipients;
  }

  private directoryTarget(target: WritebackTarget): DirectoryTarget {
    return { dn: target.dn, ...(target.immutableId ? { immutableId: target.immutableId } : {}) };
  }

  private describe(verdict: Verdict): {
    outcome: ResultCode;
    reason?: NonNullable<Verdict['reason']>;
    message: string;
  } {
    return {
      outcome: verdict.outcome,
      ...(verdict.reason ? { reason: verdict.reason } : {}),
      message: verdictText(verdict.outcome, verdict.reason),
    };
  }

  /** The user and their tenant in one read; refuses what writeback cannot do, with a clear error. */
  private async writebackTarget(
    tenantId: string,
    userId: string,
    feature = 'Password writeback',
  ): Promise<WritebackTarget> {
    const row = await this.targets.find(tenantId, userId);
    if (!row) throw new DomainError(ErrorCode.UserNotFound);
    if (row.source !== 'synced' || !row.dn) throw new DomainError(ErrorCode.NotSynced);
    if (row.licence !== 'premium')
      throw new DomainError(ErrorCode.NotLicensed, `${feature} needs the premium licence.`);
    if (!row.writebackEnabled) throw new DomainError(ErrorCode.WritebackDisabled);
    return { userId, dn: row.dn, immutableId: row.immutableId };
  }

  private async issue<T extends CommandMessageType>(
    spec: IssueSpec<T>,
  ): Promise<{ verdict: Verdict; roundTripMs: number }> {
    const key = await this.tenantKeys.signingKey(spec.tenantId);
    const issuedAt = new Date();
    const deadlineAt = new Date(issuedAt.getTime() + this.config.writeback.deadlineMs);
    const notAfter = new Date(deadlineAt.getTime() - this.config.writeback.safetyMarginMs);
    const body = await signMessage(
      {
        type: spec.type,
        id: spec.commandId,
        tenantId: spec.tenantId,
        issuedAt: issuedAt.toISOString(),
        notAfter: notAfter.toISOString(),
        payload: spec.payload,
      },
      key,
    );
    const outbox = {
      id: randomUUID(),
      exchange: EXCHANGES.commands,
      routingKey: commandRoutingKey(spec.tenantId, spec.type),
      body,
    };

    // A credentials check is outside the per-user order (it writes nothing): its waiter holds no user.
    const orderedUser = spec.type === MessageType.CredentialsVerify ? null : spec.userId;
    const wait = this.waiters.wait(spec.commandId, spec.tenantId, orderedUser, spec.type, deadlineAt);
    const command = {
      id: spec.commandId,
      tenantId: spec.tenantId,
      userId: spec.userId,
      type: spec.type,
      issuedAt,
      notAfter,
      deadlineAt,
      reset: spec.reset,
      outbox,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commands.insert(command);
        break;
      } catch (err) {
        const inFlight = err instanceof DomainError && err.code === ErrorCode.CommandInFlight;
        if (!inFlight || !spec.userId || attempt >= IN_FLIGHT_ATTEMPTS) {
          wait.cancel();
          throw err;
        }
        if (attempt === 1) await this.waiters.previousRecorded(spec.tenantId, spec.userId, PREVIOUS_RECORD_WAIT_MS);
        else await delay(IN_FLIGHT_RETRY_MS);
      }
    }
    this.relay.publishNow({
      ...outbox,
      tenantId: spec.tenantId,
      commandId: spec.commandId,
      messageType: spec.type,
      notAfter,
    });

    const verdict = await wait.verdict;
    const roundTripMs = Date.now() - issuedAt.getTime();
    this.metrics.roundTrip.observe({ type: spec.type }, roundTripMs / 1000);
    this.logger.log(
      {
        commandId: spec.commandId,
        tenantId: spec.tenantId,
        type: spec.type,
        outcome: verdict.outcome,
        settledBy: verdict.settledBy,
        roundTripMs,
      },
      'writeback command settled',
    );
    return { verdict, roundTripMs };
  }
}

import {
  COMMAND_TYPES,
  InvalidMessageError,
  MessageType,
  ResultCode,
  isMessageOf,
  parseMessage,
  Secret,
  type Message,
  type SealedSecret,
} from '@sspr/contracts';
import { CryptoError, openSecret, verifyMessage } from '@sspr/crypto';
import { DirectoryError, classifyLdapError, type DirectoryAdapter, type DirectoryUser } from '@sspr/directory';
import type { AgentIdentity } from '../identity/agent-identity';
import type { Disposition } from './disposition';

export interface Delivery {
  body: Buffer;
  /** True when the broker delivered this message before (an earlier attempt may have applied it). */
  redelivered: boolean;
}

export interface Executed {
  /** The verified, validated command, when it got that far. */
  message?: Message;
  disposition: Disposition;
}

export interface ExecutorOptions {
  now?: () => number;
}

/** How many answered command ids the agent remembers, to answer a duplicate without acting twice. */
const REMEMBERED_ANSWERS = 10_000;

/** The adapter classifies its errors (libs/directory); anything else reaching here is classified the same way. */
const asDirectoryError = (err: unknown): DirectoryError =>
  err instanceof DirectoryError ? err : classifyLdapError(err);

const reply = (code: ResultCode, detail?: string): Disposition => ({ kind: 'reply', code, detail });
const deadLetter = (reason: string): Disposition => ({ kind: 'dead-letter', reason });

/**
 * Decides what a command delivery means: verifies, validates, checks the deadline, and performs the
 * directory operation. It never acks anything itself (see settle()).
 */
export class CommandExecutor {
  private readonly now: () => number;
  /** Answers given, by command id (oldest first): a copy of a command gets the same answer, untouched. */
  private readonly answered = new Map<string, Disposition>();

  constructor(
    private readonly identity: AgentIdentity,
    private readonly directory: DirectoryAdapter,
    options: ExecutorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async execute(delivery: Delivery): Promise<Executed> {
    let message: Message;
    try {
      const { body } = await verifyMessage(delivery.body.toString('utf8'), (kid) =>
        kid === this.identity.cloudSigningKey.kid ? this.identity.cloudPublicKey : undefined,
      );
      message = parseMessage(body, COMMAND_TYPES);
    } catch (err) {
      if (err instanceof CryptoError) return { disposition: deadLetter(err.message) };
      if (err instanceof InvalidMessageError) return { disposition: deadLetter(err.reason) };
      throw err;
    }
    if (message.tenantId !== this.identity.tenantId) {
      return { message, disposition: deadLetter('command addressed to another tenant') };
    }
    // A redelivery after a lost ack, or a second copy from the outbox: the first answer stands, and
    // nothing is written again (the user may have been told, or a newer command may have followed).
    const earlier = this.answered.get(message.id);
    if (earlier) return { message, disposition: earlier };
    const disposition = await this.dispatch(message, delivery.redelivered);
    if (disposition.kind === 'reply') this.remember(message.id, disposition);
    return { message, disposition };
  }

  private remember(commandId: string, disposition: Disposition): void {
    this.answered.set(commandId, disposition);
    if (this.answered.size > REMEMBERED_ANSWERS) {
      const oldest = this.answered.keys().next();
      if (!oldest.done) this.answered.delete(oldest.value);
    }
  }

  private expired(message: Message): boolean {
    return this.now() > Date.parse(message.notAfter);
  }

  private async dispatch(message: Message, redelivered: boolean): Promise<Disposition> {
    if (isMessageOf(message, MessageType.ConnectionTest)) {
      return this.expired(message) ? reply(ResultCode.Expired) : reply(ResultCode.Applied, 'connection test');
    }
    if (isMessageOf(message, MessageType.PasswordReset)) return this.reset(message, redelivered);
    if (isMessageOf(message, MessageType.PasswordChange)) return this.change(message, redelivered);
    if (isMessageOf(message, MessageType.AccountUnlock)) return this.unlock(message);
    if (isMessageOf(message, MessageType.CredentialsVerify)) return this.verify(message);
    return deadLetter(`unsupported command ${message.type}`);
  }

  /** Opens a secret sealed to this agent for this command; a secret it cannot open dead-letters the command. */
  private async open(sealed: SealedSecret, commandId: string): Promise<Secret | Disposition> {
    try {
      return await openSecret(
        sealed,
        { kid: this.identity.agentId, privateKey: this.identity.encryptionKey },
        commandId,
      );
    } catch (err) {
      if (err instanceof CryptoError) return deadLetter(err.message);
      throw err;
    }
  }

  private async reset(message: Message<MessageType.PasswordReset>, redelivered: boolean): Promise<Disposition> {
    const { payload } = message;
    const password = await this.open(payload.secret, message.id);
    if (!(password instanceof Secret)) return password;
    // A first delivery past its deadline is never applied. A redelivery may have been applied by the
    // attempt that died before acking: it is checked below, even past the deadline, so the user is
    // never told "failed" for a password the directory holds.
    if (this.expired(message) && !redelivered) return reply(ResultCode.Expired);

    let user: DirectoryUser;
    try {
      user = await this.directory.findUser(payload.target);
      if (redelivered && (await this.directory.holdsPassword(user, password))) {
        await this.finish(user, payload);
        return reply(ResultCode.Applied, 'already applied by an earlier delivery');
      }
      if (this.expired(message)) return reply(ResultCode.Expired);
    } catch (err) {
      return this.answerFor(err);
    }

    try {
      await this.directory.resetPassword(user, password, {
        mustChangeAtNextSignIn: payload.mustChangeAtNextSignIn,
        unlock: payload.unlock,
      });
      return reply(ResultCode.Applied);
    } catch (err) {
      const error = asDirectoryError(err);
      // The password is in place and only a follow-up (must-change, unlock) failed: the user must not be
      // told the reset failed.
      if (error.passwordApplied) return reply(ResultCode.Applied, `password applied; ${error.detail}`);
      // The write may have reached the directory before the connection failed: only a later delivery,
      // which first checks whether the password is in place, can tell.
      if (error.code === ResultCode.DirectoryUnreachable) return { kind: 'retry', reason: error.detail };
      return this.answerFor(error);
    }
  }

  /**
   * A user change: bound as the user, so the directory applies history and minimum age. Like a reset, a
   * redelivery first checks whether the new password is already in place (an earlier attempt applied it),
   * so it is never reported as "wrong current password" or "in history" because of its own first write.
   */
  private async change(message: Message<MessageType.PasswordChange>, redelivered: boolean): Promise<Disposition> {
    const { payload } = message;
    const current = await this.open(payload.currentSecret, message.id);
    if (!(current instanceof Secret)) return current;
    const next = await this.open(payload.newSecret, message.id);
    if (!(next instanceof Secret)) return next;
    if (this.expired(message) && !redelivered) return reply(ResultCode.Expired);

    let user: DirectoryUser;
    try {
      user = await this.directory.findUser(payload.target);
      if (redelivered && (await this.directory.holdsPassword(user, next))) {
        return reply(ResultCode.Applied, 'already applied by an earlier delivery');
      }
      if (this.expired(message)) return reply(ResultCode.Expired);
    } catch (err) {
      return this.answerFor(err);
    }
    try {
      await this.directory.changePassword(user, current, next);
      return reply(ResultCode.Applied);
    } catch (err) {
      const error = asDirectoryError(err);
      if (error.code === ResultCode.DirectoryUnreachable) return { kind: 'retry', reason: error.detail };
      return this.answerFor(error);
    }
  }

  /** Pass-through sign-in: a bind as the user, never a write. The verdict travels in `credential`. */
  private async verify(message: Message<MessageType.CredentialsVerify>): Promise<Disposition> {
    const password = await this.open(message.payload.secret, message.id);
    if (!(password instanceof Secret)) return password;
    // A sign-in answered after its deadline helps nobody, and each bind may count toward a lockout.
    if (this.expired(message)) return reply(ResultCode.Expired);
    try {
      const user = await this.directory.findUser(message.payload.target);
      const credential = await this.directory.verifyCredentials(user, password);
      return { kind: 'reply', code: ResultCode.Applied, credential };
    } catch (err) {
      return this.answerFor(err);
    }
  }

  /** Re-applies the idempotent follow-ups of a reset whose password was already written. */
  private async finish(user: DirectoryUser, payload: { mustChangeAtNextSignIn: boolean; unlock: boolean }) {
    if (payload.unlock && user.locked) await this.directory.unlock(user);
    if (payload.mustChangeAtNextSignIn) await this.directory.setMustChange(user);
  }

  private async unlock(message: Message<MessageType.AccountUnlock>): Promise<Disposition> {
    if (this.expired(message)) return reply(ResultCode.Expired);
    try {
      const user = await this.directory.findUser(message.payload.target);
      await this.directory.unlock(user);
      return reply(ResultCode.Applied);
    } catch (err) {
      return this.answerFor(err);
    }
  }

  private answerFor(err: unknown): Disposition {
    const error = asDirectoryError(err);
    return { kind: 'reply', code: error.code, reason: error.reason, detail: error.detail };
  }
}

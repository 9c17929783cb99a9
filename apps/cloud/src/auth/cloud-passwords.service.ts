import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RESULT_TEXT, ResultCode, Secret } from '@sspr/contracts';
import { DomainError, ErrorCode, WritebackOutcomeError } from '../common/domain-error';
import { OUTCOME_HTTP_STATUS } from '../common/http-status';
import type { Licence } from '../tenants/tenant.entity';
import { generateTemporaryPassword } from '../writeback/temporary-password';
import { CredentialsRepository, type CredentialRow } from './credentials.repository';
import { hashPassword, needsRehash, verifyPassword } from './password-hash';
import { cloudPasswordViolations } from './password-rules';

/** Licences that include resetting a cloud-only user's password (SPEC §3.1: basic adds cloud-only reset). */
const RESET_LICENCES: readonly Licence[] = ['basic', 'premium'];

/** Whose password it is, as the rules need it. */
export interface PasswordOwner {
  userPrincipalName: string;
  displayName: string;
}

export interface CloudResetView {
  resetId: string;
  outcome: ResultCode.Applied;
  message: string;
  temporaryPassword?: string;
}

/**
 * Cloud-only users' passwords: argon2id hashes in `users.password_hash`, the cloud's password rules,
 * and the decisions around them (who may reset, what a change ends).
 */
@Injectable()
export class CloudPasswordsService implements OnModuleInit {
  private readonly logger = new Logger(CloudPasswordsService.name);
  /** A hash of nothing anyone knows: verified against when there is no user or no hash, so both cost the same. */
  private dummy: Promise<string> | undefined;

  constructor(private readonly credentials: CredentialsRepository) {}

  /** Made at start, so that not even the first unknown user costs an extra hash. */
  async onModuleInit(): Promise<void> {
    await this.dummyHash;
  }

  /**
   * Refuses a new password the cloud's rules do not accept (422 password_rejected, with the reasons); the
   * user's names and the tenant's name count as banned words.
   */
  async checkRules(tenantId: string, user: PasswordOwner, password: Secret): Promise<void> {
    const tenantName = (await this.credentials.tenantName(tenantId)) ?? '';
    const violations = cloudPasswordViolations(password, { ...user, tenantName });
    if (violations.length > 0) throw new DomainError(ErrorCode.PasswordRejected, violations.join(' '), violations);
  }

  /** The hash to store for a new password, once it passes the cloud's rules. */
  async hashNew(tenantId: string, user: PasswordOwner, password: Secret): Promise<string> {
    await this.checkRules(tenantId, user, password);
    return hashPassword(password);
  }

  /**
   * Whether the password is the user's. Does the same work (one argon2id verification with today's
   * parameters) when there is no such user or they have no password, so the time taken does not tell.
   */
  async matches(tenantId: string, user: CredentialRow | undefined, password: Secret): Promise<boolean> {
    const stored = user?.passwordHash;
    if (!user || !stored) {
      await verifyPassword(password, await this.dummyHash);
      return false;
    }
    if (!(await verifyPassword(password, stored))) return false;
    if (needsRehash(stored)) await this.credentials.rehash(tenantId, user.id, stored, await hashPassword(password));
    return true;
  }

  /** An admin sets (or has generated) a cloud-only user's password: basic and premium licences only. */
  async adminReset(
    tenantId: string,
    userId: string,
    licence: Licence,
    options: { password?: Secret; mustChangeAtNextSignIn?: boolean; unlock?: boolean },
  ): Promise<CloudResetView> {
    if (!RESET_LICENCES.includes(licence))
      throw new DomainError(
        ErrorCode.NotLicensed,
        'Resetting a cloud-only user’s password needs the basic or premium licence.',
      );
    const password = options.password ?? generateTemporaryPassword();
    const owner = await this.credentials.findById(tenantId, userId);
    if (!owner) throw new DomainError(ErrorCode.UserNotFound);
    const resetId = randomUUID();
    const done = await this.credentials.adminReset({
      tenantId,
      userId,
      resetId,
      passwordHash: await this.hashNew(tenantId, owner, password),
      generated: options.password === undefined,
      mustChangeAtNextSignIn: options.mustChangeAtNextSignIn ?? false,
      unlock: options.unlock ?? false,
    });
    if (!done) throw new DomainError(ErrorCode.UserNotFound);
    this.logger.log({ tenantId, userId, resetId }, 'cloud-only password reset by an admin');
    const view: CloudResetView = { resetId, outcome: ResultCode.Applied, message: 'The password was changed.' };
    // As for a synced user: the one place a password leaves the cloud, to the admin who asked for a generated one.
    if (options.password === undefined) view.temporaryPassword = password.reveal();
    return view;
  }

  /**
   * A cloud-only user changes their own password. A wrong current password (or one changed meanwhile) is a
   * 422 invalid_credentials, like the directory's answer for a synced user. Ends every other session of the
   * user, and `session` too unless `keepSession`.
   */
  async change(
    tenantId: string,
    user: CredentialRow,
    current: Secret,
    replacement: Secret,
    session: { id: string; keep: boolean },
  ): Promise<void> {
    const stored = user.passwordHash;
    if (!stored || !(await verifyPassword(current, stored))) throw invalidCurrentPassword();
    if (current.reveal() === replacement.reveal()) {
      const violation = 'The new password must differ from the current one.';
      throw new DomainError(ErrorCode.PasswordRejected, violation, [violation]);
    }
    const changed = await this.credentials.userChange({
      tenantId,
      userId: user.id,
      expectedHash: stored,
      passwordHash: await this.hashNew(tenantId, user, replacement),
      keepSessionId: session.keep ? session.id : null,
    });
    if (!changed) throw invalidCurrentPassword();
    this.logger.log({ tenantId, userId: user.id }, 'cloud-only password changed by its user');
  }

  private get dummyHash(): Promise<string> {
    this.dummy ??= hashPassword(new Secret(randomBytes(32).toString('base64url')));
    return this.dummy;
  }
}

function invalidCurrentPassword(): WritebackOutcomeError {
  const outcome = ResultCode.InvalidCredentials;
  return new WritebackOutcomeError(outcome, {
    statusCode: OUTCOME_HTTP_STATUS[outcome],
    code: outcome,
    outcome,
    message: RESULT_TEXT[outcome],
  });
}

import { Injectable, Logger } from '@nestjs/common';
import { CredentialVerdict, PolicyReason, ResultCode, type Secret } from '@sspr/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { Verdict } from '../writeback/verdict';
import { WritebackService } from '../writeback/writeback.service';
import { CloudPasswordsService } from './cloud-passwords.service';
import { CredentialsRepository, type CredentialRow } from './credentials.repository';
import type { ChangePasswordDto, ChangePasswordView, MeView, SignInDto, SignInView } from './dto/auth.dto';
import type { ActiveSession } from './sessions.repository';
import type { SessionScope } from './user-session.entity';
import { UserSessionsService } from './user-sessions.service';

/** What a refused sign-in answers, by the bind's verdict. */
const REFUSED: Record<Exclude<CredentialVerdict, CredentialVerdict.Valid | CredentialVerdict.MustChange>, ErrorCode> = {
  [CredentialVerdict.Invalid]: ErrorCode.InvalidCredentials,
  [CredentialVerdict.Locked]: ErrorCode.AccountLocked,
  [CredentialVerdict.Disabled]: ErrorCode.AccountDisabled,
  [CredentialVerdict.Expired]: ErrorCode.PasswordExpired,
};

/**
 * Sign-in (SPEC §3.5): cloud-only users against their argon2id hash, synced users by pass-through (the agent
 * binds as the user). The password is checked first; only then does the answer say anything about the
 * account (disabled in the cloud, must change), so nobody learns it without knowing the password.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly cloudPasswords: CloudPasswordsService,
    private readonly sessions: UserSessionsService,
    private readonly writeback: WritebackService,
  ) {}

  async signIn(tenantId: string, dto: SignInDto): Promise<SignInView> {
    const user = await this.credentials.findByUpn(tenantId, dto.userPrincipalName);
    const verdict =
      user?.source === 'synced'
        ? this.credentialOf(await this.writeback.verifyCredentials(tenantId, user.id, dto.password))
        : await this.cloudVerdict(tenantId, user, dto.password);
    this.logger.log({ tenantId, userId: user?.id, source: user?.source, verdict }, 'sign-in');
    if (!user || verdict === CredentialVerdict.Invalid) throw new DomainError(ErrorCode.InvalidCredentials);
    if (verdict !== CredentialVerdict.Valid && verdict !== CredentialVerdict.MustChange)
      throw new DomainError(REFUSED[verdict]);
    // The cloud's own state, once the password is known to be right.
    if (!user.enabled) throw new DomainError(ErrorCode.AccountDisabled);
    return this.open(tenantId, user, verdict === CredentialVerdict.MustChange ? 'change_password' : 'full');
  }

  signOut(session: ActiveSession): Promise<void> {
    return this.sessions.end(session);
  }

  async me(session: ActiveSession): Promise<MeView> {
    const user = await this.sessionUser(session);
    return {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      source: user.source,
      sessionExpiresAt: session.expiresAt.toISOString(),
    };
  }

  /**
   * The user changes their own password (they know the current one). Every other session of the user
   * ends; a session that could only change the password ends too: the user signs in with the new one.
   */
  async changePassword(session: ActiveSession, dto: ChangePasswordDto): Promise<ChangePasswordView> {
    const user = await this.sessionUser(session);
    const keep = session.scope === 'full';
    const signInAgain = !keep;
    if (user.source === 'cloud') {
      await this.cloudPasswords.change(session.tenantId, user, dto.currentPassword, dto.newPassword, {
        id: session.sessionId,
        keep,
      });
      return { outcome: ResultCode.Applied, message: 'Your password was changed.', signInAgain };
    }
    // The cloud's rules first; then the directory's own policy is the final word (SPEC §3.6).
    await this.cloudPasswords.checkRules(session.tenantId, user, dto.newPassword);
    const view = await this.writeback.changePassword(session.tenantId, user.id, dto.currentPassword, dto.newPassword);
    await this.sessions.endAllOf(session.tenantId, user.id, keep ? session.sessionId : null);
    this.logger.log({ tenantId: session.tenantId, userId: user.id, commandId: view.commandId }, 'password changed');
    return { ...view, signInAgain };
  }

  /** A cloud-only user's verdict; an unknown user costs the same argon2id verification and is invalid. */
  private async cloudVerdict(
    tenantId: string,
    user: CredentialRow | undefined,
    password: Secret,
  ): Promise<CredentialVerdict> {
    if (!(await this.cloudPasswords.matches(tenantId, user, password))) return CredentialVerdict.Invalid;
    return user?.mustChangePassword ? CredentialVerdict.MustChange : CredentialVerdict.Valid;
  }

  private async open(tenantId: string, user: CredentialRow, scope: SessionScope): Promise<SignInView> {
    const { token, expiresAt } = await this.sessions.open(tenantId, user.id, scope);
    return {
      sessionToken: token,
      expiresAt: expiresAt.toISOString(),
      scope,
      mustChangePassword: scope === 'change_password',
      user: { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName },
    };
  }

  private async sessionUser(session: ActiveSession): Promise<CredentialRow> {
    const user = await this.credentials.findById(session.tenantId, session.userId);
    if (!user) throw new DomainError(ErrorCode.Unauthenticated);
    return user;
  }

  /** The bind's verdict of a pass-through check, or the error a sign-in answers when there is none. */
  private credentialOf(verdict: Verdict): CredentialVerdict {
    switch (verdict.outcome) {
      case ResultCode.Applied:
        if (verdict.credential) return verdict.credential;
        this.logger.warn(
          { commandId: verdict.commandId, agentId: verdict.agentId },
          'credentials check answered without a verdict',
        );
        throw new DomainError(ErrorCode.OnPremConfigurationError);
      // The directory does not know the user: the same answer as a wrong password.
      case ResultCode.UserNotFound:
      case ResultCode.InvalidCredentials:
        return CredentialVerdict.Invalid;
      case ResultCode.AccountDisabled:
        return CredentialVerdict.Disabled;
      case ResultCode.RejectedByPolicy:
        if (verdict.reason === PolicyReason.Locked) return CredentialVerdict.Locked;
        throw new DomainError(ErrorCode.OnPremConfigurationError);
      case ResultCode.DirectoryUnreachable:
      case ResultCode.Expired:
        throw new DomainError(ErrorCode.DirectoryUnreachable);
      case ResultCode.NotPermitted:
        throw new DomainError(ErrorCode.NotPermitted);
      case ResultCode.UserAmbiguous:
      case ResultCode.ConfigurationError:
      case ResultCode.InvalidCommand:
        throw new DomainError(ErrorCode.OnPremConfigurationError);
    }
  }
}

import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { PolicyReason, ResultCode, Secret } from '@sspr/contracts';
import type { SessionScope } from '../user-session.entity';
import { SecretField } from './secret-field';

export class SignInDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  userPrincipalName!: string;

  @SecretField()
  password!: Secret;
}

export class ChangePasswordDto {
  @SecretField()
  currentPassword!: Secret;

  @SecretField()
  newPassword!: Secret;
}

export interface SessionUserView {
  id: string;
  userPrincipalName: string;
  displayName: string;
}

/** A session: the token is shown here once; the cloud keeps only its SHA-256. */
export interface SignInView {
  sessionToken: string;
  expiresAt: string;
  /** `change_password`: the session may only change the password (the directory or an admin demands it). */
  scope: SessionScope;
  mustChangePassword: boolean;
  user: SessionUserView;
}

export interface MeView extends SessionUserView {
  source: 'cloud' | 'synced';
  sessionExpiresAt: string;
}

export interface ChangePasswordView {
  /** The writeback command, for a synced user. */
  commandId?: string;
  outcome: ResultCode;
  reason?: PolicyReason;
  message: string;
  /** The session used for the change ended too (it could only change the password): sign in with the new one. */
  signInAgain: boolean;
}

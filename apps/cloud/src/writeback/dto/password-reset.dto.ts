import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsOptional,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Secret, type PolicyReason, type ResultCode } from '@sspr/contracts';

export const PASSWORD_MIN = 1;
export const PASSWORD_MAX = 256;

@ValidatorConstraint({ name: 'isPassword' })
class IsPassword implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value instanceof Secret && value.length >= PASSWORD_MIN && value.length <= PASSWORD_MAX;
  }
  defaultMessage(): string {
    return `password must be a string of ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;
  }
}

@ValidatorConstraint({ name: 'passwordSource' })
class IsOnePasswordSource implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const { password } = args.object as PasswordResetDto;
    return password === undefined ? value === true : value === undefined;
  }
  defaultMessage(args: ValidationArguments): string {
    const { password } = args.object as PasswordResetDto;
    return password === undefined
      ? 'give a password, or generate: true for a temporary one'
      : 'give either a password or generate: true, not both';
  }
}

/** An admin reset: a password chosen by the admin or generated, never both. */
export class PasswordResetDto {
  /** Wrapped in a Secret as soon as it is parsed: it can no longer be logged or serialized by accident. */
  @ValidateIf((o: PasswordResetDto) => o.password !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? new Secret(value) : value))
  @Validate(IsPassword)
  password?: Secret;

  @Validate(IsOnePasswordSource)
  generate?: true;

  @IsOptional()
  @IsBoolean()
  mustChangeAtNextSignIn?: boolean;

  @IsOptional()
  @IsBoolean()
  unlock?: boolean;
}

export interface PasswordResetView {
  resetId: string;
  /** The writeback command (a synced user); absent for a cloud-only user, whose hash the cloud sets itself. */
  commandId?: string;
  outcome: ResultCode;
  reason?: PolicyReason;
  message: string;
  /** Only for a generated password, and only once it was applied. */
  temporaryPassword?: string;
}

/** The answer to a user's password change; a failure carries the same fields with `statusCode` and `code`. */
export interface PasswordChangeView {
  /** The writeback command (a synced user); absent for a cloud-only user. */
  commandId?: string;
  outcome: ResultCode;
  reason?: PolicyReason;
  message: string;
}

export interface UnlockView {
  commandId: string;
  outcome: ResultCode;
  reason?: PolicyReason;
  message: string;
}

export interface ConnectionTestView {
  commandId: string;
  outcome: ResultCode;
  /** The agent that answered; null when none did. */
  agentId: string | null;
  roundTripMs: number;
  message: string;
}

import { Transform } from 'class-transformer';
import {
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Secret } from '@sspr/contracts';

/** Bounds what a caller can make the cloud hash or seal; the cloud's own rules (8–256 characters) come later. */
export const SECRET_FIELD_MAX = 1024;

@ValidatorConstraint({ name: 'isSecret' })
class IsSecretConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value instanceof Secret && value.length >= 1 && value.length <= SECRET_FIELD_MAX;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a string of 1 to ${SECRET_FIELD_MAX} characters`;
  }
}

/**
 * A password in a request body: wrapped in a Secret as soon as it is parsed (it can no longer be logged or
 * serialized by accident), then checked for type and length without ever quoting it.
 */
export function SecretField(): PropertyDecorator {
  const toSecret = Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? new Secret(value) : value,
  );
  const check = Validate(IsSecretConstraint);
  return (target, key) => {
    check(target, key);
    toSecret(target, key);
  };
}

import { ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { DomainError, ErrorCode, ERROR_TEXT } from './domain-error';

/** "encryptionKey.kty must be one of …": each class-validator message, with the path of nested properties. */
export function validationMessages(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${parent}${m}`),
    ...validationMessages(e.children ?? [], `${parent}${e.property}.`),
  ]);
}

/**
 * The global pipe: whitelist, refuse unknown fields, transform. Values are never copied into errors
 * (a password must not come back in a 400). The packages are passed in so decorators and pipe share
 * one class-transformer instance.
 */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    validatorPackage: classValidator,
    transformerPackage: classTransformer,
    exceptionFactory: (errors) =>
      new DomainError(ErrorCode.InvalidInput, ERROR_TEXT[ErrorCode.InvalidInput], validationMessages(errors)),
  });
}

/** A UUID path parameter; anything else is a 400 in our own words. */
export const UuidParam = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError(ErrorCode.InvalidInput, 'An id in the path is not a UUID.'),
});

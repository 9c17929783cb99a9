import { BadRequestException, NotFoundException } from '@nestjs/common';
import { PolicyReason, ResultCode } from '@sspr/contracts';
import { toHttpResponse } from './api-exception.filter';
import { DomainError, ErrorCode, WritebackOutcomeError } from './domain-error';
import { OUTCOME_HTTP_STATUS } from './http-status';

/** Matches any string (typed unknown, so it can sit in an expected object). */
const aString: unknown = expect.any(String);

describe('toHttpResponse', () => {
  it.each([
    [ErrorCode.InvalidInput, 400],
    [ErrorCode.Unauthenticated, 401],
    [ErrorCode.NotLicensed, 403],
    [ErrorCode.TenantNotFound, 404],
    [ErrorCode.UserNotFound, 404],
    [ErrorCode.GroupNotFound, 404],
    [ErrorCode.CommandInFlight, 409],
    [ErrorCode.WritebackDisabled, 409],
    [ErrorCode.NotSynced, 422],
    [ErrorCode.NotConfigured, 503],
    [ErrorCode.InvalidCredentials, 401],
    [ErrorCode.AccountLocked, 423],
    [ErrorCode.AccountDisabled, 403],
    [ErrorCode.PasswordExpired, 403],
    [ErrorCode.PasswordChangeRequired, 403],
    [ErrorCode.PasswordRejected, 422],
    [ErrorCode.DirectoryUnreachable, 503],
  ])('maps %s to %i with its code and plain text', (code, status) => {
    const { status: actual, body } = toHttpResponse(new DomainError(code));

    expect(actual).toBe(status);
    expect(body).toMatchObject({ statusCode: status, code, message: aString });
  });

  it.each([
    [ResultCode.Applied, 200],
    [ResultCode.RejectedByPolicy, 422],
    [ResultCode.UserNotFound, 404],
    [ResultCode.DirectoryUnreachable, 503],
    [ResultCode.Expired, 503],
    [ResultCode.NotPermitted, 403],
    [ResultCode.InvalidCredentials, 422],
  ])('maps the verdict %s to %i', (outcome, status) => {
    expect(OUTCOME_HTTP_STATUS[outcome]).toBe(status);
  });

  it('answers a verdict with the full reset answer as the body', () => {
    const body = {
      resetId: 'r',
      commandId: 'c',
      outcome: ResultCode.RejectedByPolicy,
      reason: PolicyReason.TooShort,
      message: 'm',
    };

    expect(toHttpResponse(new WritebackOutcomeError(ResultCode.RejectedByPolicy, body))).toEqual({ status: 422, body });
  });

  it('carries the validation messages of an invalid request', () => {
    const { body } = toHttpResponse(
      new DomainError(ErrorCode.InvalidInput, 'The request is not valid.', ['name should not be empty']),
    );

    expect(body).toMatchObject({ errors: ['name should not be empty'] });
  });

  it('does not repeat the framework’s own message, which may quote the request body', () => {
    const { status, body } = toHttpResponse(
      new BadRequestException('Unexpected token in JSON at "password": "hunter2'),
    );

    expect(status).toBe(400);
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('maps an unknown route to 404 not_found', () => {
    expect(toHttpResponse(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });
  });

  it('answers anything unexpected with a bare 500', () => {
    const { status, body } = toHttpResponse(new Error('connection to 10.0.0.5 refused'));

    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('10.0.0.5');
  });
});

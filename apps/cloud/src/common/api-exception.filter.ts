import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, WritebackOutcomeError } from './domain-error';
import { ERROR_HTTP_STATUS, OUTCOME_HTTP_STATUS } from './http-status';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: readonly string[];
}

/** What the framework itself may throw (unknown route, unparsable body…), in our own words. */
const FRAMEWORK_ERRORS: Partial<Record<number, { code: string; message: string }>> = {
  [HttpStatus.BAD_REQUEST]: { code: ErrorCode.InvalidInput, message: 'The request is malformed.' },
  [HttpStatus.NOT_FOUND]: { code: 'not_found', message: 'No such resource.' },
  [HttpStatus.METHOD_NOT_ALLOWED]: { code: 'method_not_allowed', message: 'This method is not allowed here.' },
  [HttpStatus.PAYLOAD_TOO_LARGE]: { code: 'payload_too_large', message: 'The request body is too large.' },
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: { code: 'unsupported_media_type', message: 'Send JSON.' },
  [HttpStatus.TOO_MANY_REQUESTS]: {
    code: 'rate_limited',
    message: 'Too many requests from your network address. Wait a minute, then try again.',
  },
};

/**
 * Maps any thrown value to a status and body. Domain errors by their code; framework errors to a
 * fixed text (their own messages may quote the request body, e.g. a JSON parse error); anything
 * else is a 500 with no detail.
 */
export function toHttpResponse(exception: unknown): { status: number; body: object } {
  if (exception instanceof WritebackOutcomeError) {
    return { status: OUTCOME_HTTP_STATUS[exception.outcome], body: exception.body };
  }
  if (exception instanceof DomainError) {
    const status = ERROR_HTTP_STATUS[exception.code];
    const body: ErrorBody = { statusCode: status, code: exception.code, message: exception.message };
    if (exception.details) body.errors = exception.details;
    return { status, body };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const known = FRAMEWORK_ERRORS[status] ?? { code: 'http_error', message: 'The request could not be processed.' };
    return { status, body: { statusCode: status, ...known } satisfies ErrorBody };
  }
  const status = HttpStatus.INTERNAL_SERVER_ERROR;
  return { status, body: { statusCode: status, code: 'internal_error', message: 'Something went wrong on our side.' } };
}

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** The one place where errors become HTTP answers. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = toHttpResponse(exception);
    if (status >= 500 && !(exception instanceof DomainError)) {
      // Unexpected: keep the stack for operators; the client gets no detail.
      this.logger.error({ err: exception }, 'request failed');
    }
    host.switchToHttp().getResponse<JsonResponse>().status(status).json(body);
  }
}

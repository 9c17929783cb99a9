import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LoggerOptions } from 'pino';
import { REDACTED_LOG_PATHS } from '@sspr/contracts';
import type { LogLevel } from '../config/cloud-config';

/** pino's options (level, redaction), shared by the HTTP logger and every class logger. */
export function pinoOptions(level: LogLevel): LoggerOptions {
  return { level, redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' } };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** nestjs-pino: structured JSON, a correlation id per request (x-request-id, echoed back), no bodies. */
export function loggerParams(level: LogLevel): Params {
  return {
    pinoHttp: {
      ...pinoOptions(level),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Logs written while handling a request carry its id, not the whole request again.
      quietReqLogger: true,
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
    },
  };
}

import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A password or code in memory. It cannot be logged, serialized or string-concatenated by accident:
 * every implicit conversion yields "[redacted]"; only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The clear value; call it only where the value is used (the directory write, the cipher). */
  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * The central log-redaction rule both apps give pino: these object paths print "[redacted]" whatever logs
 * them (a `Secret` already prints so; this covers plain strings that carry credentials).
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'currentPassword',
    'newPassword',
    'temporaryPassword',
    'bindPassword',
    'token',
    'adminToken',
    'sessionToken',
    'secret',
    'authorization',
  ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

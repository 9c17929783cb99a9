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

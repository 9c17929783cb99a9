import { plainToInstance } from 'class-transformer';
import { IsEnum, IsISO8601, IsObject, IsUUID, validateSync, type ValidationError } from 'class-validator';
import { MessageType } from './message-types';
import { PAYLOAD_CLASSES, type PayloadOf } from './payloads';

/** The one envelope every message travels in. */
export class Envelope {
  @IsEnum(MessageType)
  type!: MessageType;

  @IsUUID()
  id!: string;

  @IsUUID()
  tenantId!: string;

  @IsISO8601({ strict: true })
  issuedAt!: string;

  @IsISO8601({ strict: true })
  notAfter!: string;

  @IsObject()
  payload!: object;
}

export interface Message<T extends MessageType = MessageType> {
  type: T;
  id: string;
  tenantId: string;
  issuedAt: string;
  notAfter: string;
  payload: PayloadOf<T>;
}

/** Why a message was refused; the text is safe to log and to put on a dead-lettered message. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
  constructor(readonly reason: string) {
    super(`invalid message: ${reason}`);
  }
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.keys(e.constraints ?? {}).map((c) => `${path}: ${c}`);
    return [...own, ...describe(e.children ?? [], path)];
  });
}

function validated<T extends object>(cls: new () => T, plain: unknown, what: string): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new InvalidMessageError(`${what} is not an object`);
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new InvalidMessageError(describe(errors).slice(0, 5).join('; '));
  return instance;
}

/**
 * Transforms and validates a decoded message (envelope and payload) with the shared classes.
 * Throws InvalidMessageError with a loggable reason; never returns a half-valid message.
 */
export function parseMessage(json: unknown, expected?: readonly MessageType[]): Message {
  const envelope = validated(Envelope, json, 'message');
  if (expected && !expected.includes(envelope.type)) {
    throw new InvalidMessageError(`unexpected type ${envelope.type}`);
  }
  if (Date.parse(envelope.notAfter) < Date.parse(envelope.issuedAt)) {
    throw new InvalidMessageError('notAfter precedes issuedAt');
  }
  const payload = validated(PAYLOAD_CLASSES[envelope.type] as new () => object, envelope.payload, 'payload');
  return { ...envelope, payload } as Message;
}

/** Narrows a parsed message to one type. */
export function isMessageOf<T extends MessageType>(message: Message, type: T): message is Message<T> {
  return message.type === type;
}

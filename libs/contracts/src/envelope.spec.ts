import { randomUUID } from 'node:crypto';
import { InvalidMessageError, parseMessage } from './envelope';
import { MessageType } from './message-types';
import { PasswordResetV1 } from './payloads';

function aResetMessage(overrides: Record<string, unknown> = {}) {
  return {
    type: MessageType.PasswordReset,
    id: randomUUID(),
    tenantId: randomUUID(),
    issuedAt: '2026-11-23T10:00:00.000Z',
    notAfter: '2026-11-23T10:00:28.000Z',
    payload: {
      userId: randomUUID(),
      target: { dn: 'uid=a,ou=people,dc=example,dc=test', immutableId: randomUUID() },
      secret: {
        protected: 'e30',
        recipients: [{ header: { kid: 'a' }, encrypted_key: 'x' }],
        iv: 'i',
        ciphertext: 'c',
        tag: 't',
        aad: 'a',
      },
      mustChangeAtNextSignIn: false,
      unlock: false,
    },
    ...overrides,
  };
}

describe('parseMessage', () => {
  it('returns a typed payload instance for a valid message', () => {
    const message = parseMessage(aResetMessage());
    expect(message.payload).toBeInstanceOf(PasswordResetV1);
  });

  it.each([
    ['a non-object', 'hello'],
    ['an unknown type', aResetMessage({ type: 'password.steal.v1' })],
    ['a bad tenant id', aResetMessage({ tenantId: 'tenant-1' })],
    ['a deadline before the issue time', aResetMessage({ notAfter: '2026-11-23T09:00:00.000Z' })],
    ['a payload missing its secret', aResetMessage({ payload: { ...aResetMessage().payload, secret: undefined } })],
    ['an unknown payload field', aResetMessage({ payload: { ...aResetMessage().payload, password: 'clear' } })],
  ])('refuses %s with a reason', (_what, input) => {
    expect(() => parseMessage(input)).toThrow(InvalidMessageError);
  });

  it('refuses a type the caller does not expect', () => {
    expect(() => parseMessage(aResetMessage(), [MessageType.AgentHeartbeat])).toThrow(/unexpected type/);
  });
});

import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoOptions } from './logger-options';

function captured(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino(pinoOptions('info'), stream), lines };
}

describe('log redaction', () => {
  it('redacts authorization headers', () => {
    const { logger, lines } = captured();

    logger.info({ req: { headers: { authorization: 'Bearer admin-token-123' } } }, 'request');

    expect(lines.join('')).not.toContain('admin-token-123');
  });

  it.each(['password', 'currentPassword', 'newPassword', 'temporaryPassword', 'token', 'adminToken', 'sessionToken'])(
    'redacts a %s field at any of the first levels',
    (field) => {
      const { logger, lines } = captured();

      logger.info({ [field]: 'leak-1', body: { [field]: 'leak-2' }, a: { b: { [field]: 'leak-3' } } }, 'something');

      expect(lines.join('')).not.toMatch(/leak-/);
    },
  );
});

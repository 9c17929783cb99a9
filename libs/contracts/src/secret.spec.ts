import { inspect } from 'node:util';
import { Secret } from './secret';

describe('Secret', () => {
  const secret = new Secret('Hunter2-Correct-Horse');

  it('reveals its value only when asked', () => {
    expect(secret.reveal()).toBe('Hunter2-Correct-Horse');
  });

  it('never shows its value through string conversion, JSON or inspection', () => {
    const renderings = [
      String(secret),
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the accident under test
      `${secret}`,
      JSON.stringify({ secret }),
      inspect({ nested: { secret } }),
      // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- the accident under test
      'x' + secret,
    ];
    for (const text of renderings) expect(text).not.toContain('Hunter2');
  });
});

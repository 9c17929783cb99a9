import { formatGeneralizedTime, parseGeneralizedTime } from './generalized-time';

describe('parseGeneralizedTime', () => {
  it.each([
    ['20261123204507Z', '2026-11-23T20:45:07.000Z'],
    ['20261123204507.270031Z', '2026-11-23T20:45:07.270Z'],
    ['20261123204507,5Z', '2026-11-23T20:45:07.500Z'],
    ['202611232045Z', '2026-11-23T20:45:00.000Z'],
    ['2026112320Z', '2026-11-23T20:00:00.000Z'],
    ['2026112320.5Z', '2026-11-23T20:30:00.000Z'],
    ['20261123224507+0200', '2026-11-23T20:45:07.000Z'],
    ['20261123154507-05', '2026-11-23T20:45:07.000Z'],
    ['000001010000Z', '0000-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseGeneralizedTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['', '2026-11-23T20:45:07Z', '20261123204507', '20261323204507Z', '20260231000000Z', '20261123246000Z', 'x'])(
    'refuses %j',
    (text) => {
      expect(parseGeneralizedTime(text)).toBeUndefined();
    },
  );
});

describe('formatGeneralizedTime', () => {
  it('writes UTC to the second', () => {
    expect(formatGeneralizedTime(new Date('2026-01-02T03:04:05.000Z'))).toBe('20260102030405Z');
  });

  it('truncates a fraction rather than rounding it up, so that a watermark never passes a change', () => {
    expect(formatGeneralizedTime(new Date('2026-01-02T03:04:05.999Z'))).toBe('20260102030405Z');
  });

  it('reads back what it wrote', () => {
    const text = '20261123204507Z';
    expect(formatGeneralizedTime(parseGeneralizedTime(text) as Date)).toBe(text);
  });
});

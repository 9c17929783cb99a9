import { formatWatermark, newRunId, parseWatermark, SyncBaselines, type Baseline } from './sync-baseline';

const aBaseline = (anchor: string): Baseline => new Map([[anchor, { version: '1', digest: 'd' }]]);

describe('watermarks', () => {
  it('joins and splits a position and a run', () => {
    const text = formatWatermark({ position: '20261123204507Z', run: 'a1b2c3' });

    expect(text).toBe('20261123204507Z#a1b2c3');
    expect(parseWatermark(text)).toEqual({ position: '20261123204507Z', run: 'a1b2c3' });
  });

  it('reads a bare position (a USN saved elsewhere) as a position without a run', () => {
    expect(parseWatermark('12345')).toEqual({ position: '12345' });
  });

  it('names each run differently', () => {
    expect(newRunId()).not.toBe(newRunId());
  });
});

describe('SyncBaselines', () => {
  it('keeps the baseline a delta started from and the new one, and drops older ones', () => {
    const baselines = new SyncBaselines();
    baselines.reset('w0', aBaseline('a'));
    baselines.advance('w0', 'w1', aBaseline('b'));
    baselines.advance('w1', 'w2', aBaseline('c'));

    expect(baselines.get('w0')).toBeUndefined();
    expect([...(baselines.get('w1')?.keys() ?? [])]).toEqual(['b']);
    expect([...(baselines.get('w2')?.keys() ?? [])]).toEqual(['c']);
  });

  it('forgets every delta baseline after a full run', () => {
    const baselines = new SyncBaselines();
    baselines.reset('w0', aBaseline('a'));
    baselines.advance('w0', 'w1', aBaseline('b'));
    baselines.reset('w2', aBaseline('c'));

    expect(baselines.get('w0')).toBeUndefined();
    expect(baselines.get('w1')).toBeUndefined();
    expect(baselines.get('w2')).toBeDefined();
  });
});

import { HealthCheckStatus } from '@sspr/contracts';
import { brokerCheck, QUEUE_LAG_FAIL_MS, QUEUE_LAG_WARN_MS, queueCheck } from './health-checks';

describe('brokerCheck', () => {
  it('passes when connected without drops, warns after drops, fails when disconnected', () => {
    expect(brokerCheck(true, 0).status).toBe(HealthCheckStatus.Pass);
    expect(brokerCheck(true, 2)).toMatchObject({ status: HealthCheckStatus.Warn, value: 2 });
    expect(brokerCheck(false, 0).status).toBe(HealthCheckStatus.Fail);
  });
});

describe('queueCheck', () => {
  it.each([
    [0, undefined, HealthCheckStatus.Pass],
    [3, 200, HealthCheckStatus.Pass],
    [3, QUEUE_LAG_WARN_MS, HealthCheckStatus.Warn],
    [5000, 10, HealthCheckStatus.Warn],
    [0, QUEUE_LAG_FAIL_MS, HealthCheckStatus.Fail],
  ] as const)('depth %p, lag %p ms → %s', (depth, lag, status) => {
    expect(queueCheck(depth, lag)).toMatchObject({ status, value: depth });
  });

  it('says in plain words why it fails', () => {
    expect(queueCheck(2, 20_000).detail).toMatch(/wait too long .* 20 s/);
  });
});

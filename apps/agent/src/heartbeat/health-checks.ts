import { HealthCheckName, HealthCheckStatus, type HealthCheck } from '@sspr/contracts';

/** A command that waited this long before reaching the agent is at risk of expiring (default deadline 30 s). */
export const QUEUE_LAG_WARN_MS = 5_000;
export const QUEUE_LAG_FAIL_MS = 15_000;
/** Commands waiting in the queue beyond which the agent is falling behind. */
export const QUEUE_DEPTH_WARN = 1_000;

/** broker: the heartbeat itself travels through the broker, so this reports the connection's stability. */
export function brokerCheck(connected: boolean, dropsLastHour: number): HealthCheck {
  if (!connected) {
    return {
      name: HealthCheckName.Broker,
      status: HealthCheckStatus.Fail,
      detail: 'The agent is not connected to the message broker.',
    };
  }
  if (dropsLastHour > 0) {
    return {
      name: HealthCheckName.Broker,
      status: HealthCheckStatus.Warn,
      value: dropsLastHour,
      detail: `The connection to the message broker dropped ${dropsLastHour} time(s) in the last hour.`,
    };
  }
  return { name: HealthCheckName.Broker, status: HealthCheckStatus.Pass, value: 0 };
}

/**
 * queue_lag: commands waiting in the tenant's queue, and the longest a command waited before the agent got
 * it since the previous heartbeat.
 */
export function queueCheck(depth: number | undefined, maxLagMs: number | undefined): HealthCheck {
  const lagSeconds = maxLagMs === undefined ? undefined : Math.max(0, Math.round(maxLagMs / 1000));
  const waiting = depth === undefined ? 'An unknown number of' : `${depth}`;
  const detail = `${waiting} command(s) waiting; longest wait before pickup ${lagSeconds ?? 0} s.`;
  let status = HealthCheckStatus.Pass;
  if ((maxLagMs ?? 0) >= QUEUE_LAG_FAIL_MS) status = HealthCheckStatus.Fail;
  else if ((maxLagMs ?? 0) >= QUEUE_LAG_WARN_MS || (depth ?? 0) >= QUEUE_DEPTH_WARN) status = HealthCheckStatus.Warn;
  return {
    name: HealthCheckName.QueueLag,
    status,
    value: depth,
    detail:
      status === HealthCheckStatus.Fail
        ? `Commands wait too long before the agent gets them (${lagSeconds} s): they may expire. ${detail}`
        : detail,
  };
}

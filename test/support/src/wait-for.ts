import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs: number;
  /** Pause between two probes; default 10 ms. */
  intervalMs?: number;
  /** What we are waiting for, for the error: "slapd to answer on port 389". */
  what: string;
}

/**
 * Calls `probe` until it returns something other than undefined, and returns that. A probe that throws counts as
 * "not yet"; the last error is kept as the cause of the timeout error.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitForOptions,
): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() >= deadline) {
      const because = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${because}`, {
        cause: lastError,
      });
    }
    await delay(options.intervalMs ?? 10);
  }
}

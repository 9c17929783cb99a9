import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * The lifecycle the harness gives every directory server it runs (slapd, samba): killed if the test process
 * exits first, a start that fails fast with the log's tail when the server dies, and a stop that escalates.
 */

/** Every server this process started and has not seen exit; killed if the process exits first (a crashed run). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

async function logTail(logFile: string): Promise<string> {
  const log = await readFile(logFile, 'utf8').catch((err: NodeJS.ErrnoException) => `(no log: ${err.code})`);
  return log.split('\n').slice(-15).join('\n');
}

/**
 * Waits for `ready` (the server answers); if the server exits first, fails with the tail of `logFile`. On any
 * failure the server is killed, so a failed start leaves nothing running.
 */
export async function awaitServerStart(
  child: ChildProcess,
  name: string,
  logFile: string,
  ready: () => Promise<unknown>,
): Promise<void> {
  running.add(child);
  child.once('exit', () => running.delete(child));
  const died = exited(child).then(async (code) => {
    throw new Error(`${name} exited with code ${code} while starting:\n${await logTail(logFile)}`);
  });
  try {
    await Promise.race([ready(), died]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    died.catch(() => undefined); // settled later by a stop; its rejection only matters during the start
  }
}

/** SIGTERM, SIGKILL after `timeoutMs`, and wait for the exit; nothing to do for a server already gone. */
export async function stopServer(child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited(child);
  clearTimeout(timer);
}

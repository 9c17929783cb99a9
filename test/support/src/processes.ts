import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';

/** The repository root, wherever the compiled or source harness runs from. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface NodeProcessOptions {
  /** Script path relative to the repository root, e.g. apps/cloud/dist/main.js. */
  script: string;
  args?: string[];
  env: Record<string, string>;
  /** stdout and stderr are appended here (the tests scan these logs for secrets). */
  logFile: string;
}

/** A node child process of ours (cloud or agent) that can be stopped, killed and started again. */
export class NodeProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<number | null> | undefined;

  constructor(private readonly options: NodeProcessOptions) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.running) throw new Error(`${this.options.script} is already running`);
    this.log = createWriteStream(this.options.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [join(REPO_ROOT, this.options.script), ...(this.options.args ?? [])], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
    this.child = child;
  }

  /** Runs to completion (e.g. `agent register`) and resolves with its exit code. */
  async run(): Promise<number | null> {
    this.start();
    return this.wait();
  }

  async wait(): Promise<number | null> {
    const code = await this.exited;
    this.log?.end();
    return code ?? null;
  }

  /** SIGTERM and wait (graceful), or SIGKILL for a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running || !this.child) return;
    this.child.kill(signal);
    await this.wait();
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './env.js';
import { HttpClient } from './http.js';
import { PLATFORM_KEY } from './test-env.js';

/** A built app (dist/apps/<name>/src/main.js) running as its own process, as operators run it. */
export class AppProcess {
  readonly lines: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      this.lines.push(...parts.filter((l) => l.length > 0));
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        if (buffer) this.lines.push(buffer);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Resolves with the first log line matching, or rejects when the process exits first or time runs out. */
  async waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => pattern.test(l));
      if (line) return line;
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exitInfo)}) before logging ${pattern}:\n${this.lines.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not log ${pattern} within ${timeoutMs} ms:\n${this.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  waitForExit(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exitInfo!;
    this.proc.kill(signal);
    return this.waitForExit();
  }

  /** kill -9: no shutdown hooks, no cleanup — a crash. */
  async crash(): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGKILL');
    await this.waitForExit();
  }
}

const live = new Set<ChildProcess>();
// A test file that fails mid-way must not leave servers behind.
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export function spawnApp(app: 'api' | 'worker' | 'cli', env: Record<string, string>, args: string[] = []): AppProcess {
  const entry = path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  const proc = spawn(process.execPath, [entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  return new AppProcess(app, proc);
}

export interface RunningApi {
  process: AppProcess;
  url: string;
  http: HttpClient;
  platform: HttpClient;
  stop(signal?: NodeJS.Signals): Promise<unknown>;
}

/** Starts the built API on a free loopback port and waits until it listens. */
export async function startApiProcess(env: Record<string, string>): Promise<RunningApi> {
  const p = spawnApp('api', { HOST: '127.0.0.1', PORT: '0', ...env });
  const line = await p.waitForLine(/"api listening"/);
  const port = (JSON.parse(line) as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    process: p,
    url,
    http: new HttpClient(url),
    platform: new HttpClient(url, PLATFORM_KEY),
    stop: (signal) => p.stop(signal),
  };
}

/** Starts the built worker and waits until it has started its queues. */
export async function startWorkerProcess(env: Record<string, string>): Promise<AppProcess> {
  const p = spawnApp('worker', env);
  await p.waitForLine(/"worker started"/);
  return p;
}

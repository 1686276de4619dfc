import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './env.js';

export interface ReceivedRecord {
  at: number;
  delivery: string;
  event_type: string;
  signature: string;
  raw: string;
  verified: boolean;
  answered: number;
  event_id?: string;
  type?: string;
  t?: number;
}

export interface ReceiverBehaviour {
  secret?: string;
  status?: number;
  failFirst?: number;
  delayMs?: number;
  redirect?: string | null;
}

/** The Recipe 6 receiver (test/support/recipe6-receiver.mjs) as its own process on a loopback port. */
export class Receiver {
  private constructor(
    private proc: ChildProcess,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<Receiver> {
    const proc = spawn(process.execPath, [path.join(ROOT, 'test', 'support', 'recipe6-receiver.mjs')], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const listening = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /\{"listening":(\d+)\}/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.once('exit', (code) => reject(new Error(`receiver exited with ${code} before listening`)));
    });
    return new Receiver(proc, listening);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks/wowsino`;
  }

  async configure(b: ReceiverBehaviour): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.port}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    if (!res.ok) throw new Error(`receiver control failed: ${res.status}`);
  }

  async received(): Promise<ReceivedRecord[]> {
    const res = await fetch(`http://127.0.0.1:${this.port}/control`);
    return ((await res.json()) as { received: ReceivedRecord[] }).received;
  }

  /** Polls until `predicate` holds for what arrived, or fails after `timeoutMs` showing what did. */
  async waitFor(predicate: (r: ReceivedRecord[]) => boolean, timeoutMs = 20_000): Promise<ReceivedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.received();
      if (predicate(got)) return got;
      if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms; got ${got.length} requests`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGKILL');
    await exited;
  }
}

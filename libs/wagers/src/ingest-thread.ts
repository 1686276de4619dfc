import { Worker } from 'node:worker_threads';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig, AppError, type ErrorDetail, InjectConfig, JsonText, Replayable, type TenantId } from '@app/common';
import type { Outcome } from './ingest-batch.service.js';
import type { IngestItem } from './ingest.types.js';

/** An error as it crosses between threads: an AppError keeps its status, code and details. */
export interface SentError {
  status?: number;
  code?: string;
  message: string;
  details?: readonly ErrorDetail[];
}

/** An answer crosses as its value, or as its JSON text when it is one already (JsonText: a string is cheaper to send). */
export type SentOutcome = { ok: true; value: unknown; replayed: boolean } | { ok: true; json: string; replayed: boolean } | { ok: false; error: SentError };

export function sendOutcome(value: Replayable<unknown>): SentOutcome {
  return value.value instanceof JsonText ? { ok: true, json: value.value.text, replayed: value.replayed } : { ok: true, value: value.value, replayed: value.replayed };
}

function receivedOutcome(o: SentOutcome): Outcome {
  if (!o.ok) return { ok: false, error: receivedError(o.error) };
  return { ok: true, value: new Replayable('json' in o ? new JsonText(o.json) : o.value, o.replayed) };
}

export type ToThread = { type: 'batch'; id: number; tenantId: TenantId; items: IngestItem[] } | { type: 'close' };
export type FromThread = { type: 'ready' } | { type: 'done'; id: number; outcomes: SentOutcome[] } | { type: 'failed'; id: number; error: SentError };

export function sendError(err: unknown): SentError {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message, details: err.details };
  return { message: err instanceof Error ? err.message : String(err) };
}

function receivedError(e: SentError): Error {
  return e.status !== undefined && e.code !== undefined ? new AppError(e.status, e.code, e.message, e.details) : new Error(e.message);
}

interface Running {
  worker: Worker;
  ready: Promise<void>;
  next: number;
  waiting: Map<number, { resolve: (o: Outcome[]) => void; reject: (e: unknown) => void }>;
  exited: Promise<void>;
}

/** How long shutdown waits for the thread's batches to finish and its connections to close. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * The batches on a worker thread of the API process (INGEST_THREAD, on by default). A batch spends
 * most of its time waiting on PostgreSQL and Redis; on the API's own event loop each of those answers
 * is read only after the HTTP work of every request that arrived meanwhile (parsing, validation,
 * answers), so batches took longer and fewer wagers went through. On a thread of their own, with its
 * own Nest context and connections (ingest-thread.main.ts), they do not wait behind HTTP: bench:ingest
 * measured about 20% more wagers/s on the slow 2-core machines.
 *
 * Requests and answers cross by message: items (with their bigints and dates) as they are, each
 * outcome as its value (or its JSON text, for a JsonText) and replayed flag, or its error (an AppError
 * keeps status, code and details).
 * The thread starts with the first batch. If it dies, its batches in flight fail (whatever they
 * committed is committed) and the next batch starts a new thread: the batcher runs a failed batch's
 * items again one by one, so each replays or applies there, and an item that fails alone answers 503.
 * Shutdown waits for the batches in flight, then closes the thread's connections.
 */
@Injectable()
export class IngestThread implements OnApplicationShutdown {
  private readonly logger = new Logger(IngestThread.name);
  private current?: Running;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  async run(tenantId: TenantId, items: IngestItem[]): Promise<Outcome[]> {
    const t = (this.current ??= this.start());
    await t.ready;
    return new Promise<Outcome[]>((resolve, reject) => {
      const id = t.next++;
      t.waiting.set(id, { resolve, reject });
      t.worker.postMessage({ type: 'batch', id, tenantId, items } satisfies ToThread);
    });
  }

  private start(): Running {
    // the thread runs its batches itself: its config says so
    const config: AppConfig = { ...this.config, ingest: { ...this.config.ingest, thread: false } };
    const worker = new Worker(new URL('./ingest-thread.main.js', import.meta.url), { workerData: { config } });
    const waiting: Running['waiting'] = new Map();
    let ready!: () => void;
    let failed!: (e: unknown) => void;
    const running: Running = {
      worker,
      ready: new Promise<void>((resolve, reject) => ((ready = resolve), (failed = reject))),
      next: 1,
      waiting,
      exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
    };
    running.ready.catch(() => undefined);
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') return ready();
      const pending = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.type === 'failed') return pending?.reject(receivedError(m.error));
      pending?.resolve(m.outcomes.map(receivedOutcome));
    });
    const lost = (why: string) => {
      if (this.current === running) this.current = undefined;
      const error = new AppError(503, 'service_unavailable', 'the ingestion thread stopped; retry');
      failed(error);
      for (const p of waiting.values()) p.reject(error);
      if (waiting.size > 0) this.logger.error('the ingestion thread stopped with batches in flight; they answer 503', { why, batches: waiting.size });
      waiting.clear();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return running;
  }

  async onApplicationShutdown(): Promise<void> {
    const t = this.current;
    if (!t) return;
    this.current = undefined;
    const deadline = Date.now() + CLOSE_TIMEOUT_MS;
    while (t.waiting.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    t.worker.postMessage({ type: 'close' } satisfies ToThread);
    const timer = setTimeout(() => void t.worker.terminate(), Math.max(0, deadline - Date.now()));
    await t.exited;
    clearTimeout(timer);
  }
}

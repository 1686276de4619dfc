// The API's ingestion pipeline (IngestBatcher and its worker thread, as built in dist/) in a process of
// its own, driven line by line on stdin, so a test can kill the thread at a moment it chooses — which
// no request to the API can do. Real PostgreSQL and Redis, configured from the environment as the API is.
//
// In:  {"op":"submit","id":"x","tenantId":"ten_…","wager":{"sourceWagerId":"…","playerId":"plr_…","betAmount":"100","currency":"EUR"}}
//      {"op":"kill"}   terminates the ingestion thread now (as a crash would stop it)
// Out (lines with "driver": true; the app's info logs share stdout): {"ready":true}, then per submit {"id":"x","status":201|200|<error status>,"code"?,"value"?}, per kill {"killed":true|false}
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = (p) => import(pathToFileURL(path.resolve(import.meta.dirname, '..', '..', 'dist', 'libs', p)).href);
const { NestFactory } = await import('@nestjs/core');
const { AppError, configOrExit, createLogger, JsonText } = await dist('common/src/index.js');
const { IngestContextModule } = await dist('wagers/src/ingest-context.module.js');
const { IngestBatcher } = await dist('wagers/src/ingest-batcher.js');
const { IngestThread } = await dist('wagers/src/ingest-thread.js');

// the same context the ingestion thread runs in; here its IngestBatcher starts and feeds that thread
const config = configOrExit();
const context = await NestFactory.createApplicationContext(IngestContextModule.forRoot(config), { logger: createLogger(config.logLevel) });
const batcher = context.get(IngestBatcher, { strict: false });
const thread = context.get(IngestThread, { strict: false });
const out = (o) => process.stdout.write(`${JSON.stringify({ driver: true, ...o }, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.op === 'kill') {
    // IngestThread keeps its running thread private; a crash is what this stands for
    const worker = thread.current?.worker;
    if (worker) void worker.terminate();
    out({ killed: worker !== undefined });
    return;
  }
  const w = m.wager;
  const item = {
    kind: 'wager',
    input: {
      sourceWagerId: w.sourceWagerId,
      player: { playerId: w.playerId },
      betAmount: BigInt(w.betAmount),
      winAmount: 0n,
      currency: w.currency,
      gameCode: 'driver-slot',
      gameCategory: 'slots',
    },
  };
  batcher.submit(m.tenantId, item).then(
    (r) => out({ id: m.id, status: r.replayed ? 200 : 201, value: r.value instanceof JsonText ? JSON.parse(r.value.text) : r.value }),
    (e) => out({ id: m.id, status: e instanceof AppError ? e.status : 500, code: e instanceof AppError ? e.code : undefined, message: e.message }),
  );
});
process.stdin.on('end', () => void context.close().then(() => process.exit(0)));
out({ ready: true });

#!/usr/bin/env node
// Verifies a lootbox open, independently of the service: give it the open (the JSON of
// POST /v1/lootbox/:id/open, GET /v1/players/:player/lootbox-opens or a lootbox.opened webhook's data)
// and the server seed revealed by the rotation (GET /v1/lootbox/:id/seeds). It checks that the seed is
// the one committed to, recomputes the draw, and says which prize it gives. With --box (the JSON of
// GET /v1/lootbox/:id) it also checks the open against the box's published prize table: the open's
// weights must be the table's and its prize the table's entry the draw picks. Without it the weights
// are the ones the proof carries.
//
//   node scripts/verify-lootbox-open.mjs --seed <64 hex> --open open.json [--box box.json]
//   curl … | node scripts/verify-lootbox-open.mjs --seed <64 hex> [--box box.json]
//
// The draw (algorithm hmac-sha256-48bit-rejection-v1):
//   message = "<lootbox id>:<idempotency key>"
//   block 0 = HMAC-SHA256(key = the seed's 64 hex characters, message); block n = HMAC(…, message + ":" + n)
//   Each block gives five 48-bit big-endian integers r; the first r < floor(2^48 / W) * W (W = total
//   weight) gives ticket = r mod W; the prize is the first entry whose cumulative weight exceeds it.
// Needs nothing but Node.js. Exits 0 when the open checks out, 1 when it does not.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seed: { type: 'string' }, open: { type: 'string' }, box: { type: 'string' } } });
if (!values.seed) {
  console.error('usage: verify-lootbox-open.mjs --seed <revealed seed> [--open open.json] [--box box.json]  (or the open on stdin)');
  process.exit(2);
}
const seed = values.seed.trim();
const raw = JSON.parse(readFileSync(values.open ?? 0, 'utf8'));
const open = raw.data && raw.data.proof ? raw.data : raw; // a webhook envelope, or the open itself
const proof = open.proof;
const box = values.box === undefined ? undefined : JSON.parse(readFileSync(values.box, 'utf8'));

// JSON with every object's keys sorted: the same reward whatever order its keys were written in.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}

const checks = [];
const check = (what, ok, detail) => checks.push({ what, ok, detail });

check('the seed is the one committed to', createHash('sha256').update(seed).digest('hex') === proof.seed_commit, `sha256(seed) vs ${proof.seed_commit}`);
const message = `${open.lootbox_id}:${open.idempotency_key}`;
check('the message is "<lootbox id>:<idempotency key>"', message === proof.message, message);

const W = proof.weights.reduce((a, w) => a + BigInt(w), 0n);
check('the total weight adds up', W === BigInt(proof.total_weight), `${W}`);
const RANGE = 1n << 48n;
const limit = (RANGE / W) * W;
let ticket;
let block;
let hmac;
for (block = 0; ticket === undefined; block++) {
  const digest = createHmac('sha256', seed).update(block === 0 ? message : `${message}:${block}`).digest();
  for (let i = 0; i + 6 <= 30 && ticket === undefined; i += 6) {
    const r = BigInt(`0x${digest.subarray(i, i + 6).toString('hex')}`);
    if (r < limit) {
      ticket = r % W;
      hmac = digest.toString('hex');
    }
  }
}
block -= 1;
check('the HMAC matches', hmac === proof.hmac, hmac);
check('the ticket matches', ticket === BigInt(proof.ticket), `${ticket} (block ${block})`);
let index = 0;
for (let cumulative = 0n; ; index++) {
  cumulative += BigInt(proof.weights[index]);
  if (ticket < cumulative) break;
}
check('the prize index matches', index === proof.prize_index, `${index}`);
if (box) {
  const table = Array.isArray(box.prize_table) ? box.prize_table : [];
  check('the open is of this box', open.lootbox_id === box.id, `${box.id}`);
  const weights = table.map((p) => p.weight);
  check("the weights are the box's prize table's", canonical(weights) === canonical(proof.weights), `[${weights.join(', ')}]`);
  const published = table[index]?.reward;
  check(`the prize is the box's prize ${index}`, published !== undefined && canonical(published) === canonical(open.reward), JSON.stringify(published ?? null));
}

for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
if (!box) console.log("note the weights are the proof's own: --box <the box's JSON> checks them and the prize against its prize table");
const ok = checks.every((c) => c.ok);
console.log(ok ? `verified: prize ${index} of ${proof.weights.length}, ${JSON.stringify(open.reward)}` : 'NOT VERIFIED');
process.exit(ok ? 0 : 1);

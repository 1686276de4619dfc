#!/usr/bin/env node
// Verifies a lootbox open, independently of the service: give it the open (the JSON of
// POST /v1/lootbox/:id/open, GET /v1/players/:player/lootbox-opens or a lootbox.opened webhook's data)
// and the server seed revealed by the rotation (GET /v1/lootbox/:id/seeds). It checks that the seed is
// the one committed to, recomputes the draw, and says which prize it gives.
//
//   node scripts/verify-lootbox-open.mjs --seed <64 hex> --open open.json
//   curl … | node scripts/verify-lootbox-open.mjs --seed <64 hex>
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

const { values } = parseArgs({ options: { seed: { type: 'string' }, open: { type: 'string' } } });
if (!values.seed) {
  console.error('usage: verify-lootbox-open.mjs --seed <revealed seed> [--open open.json]  (or the open on stdin)');
  process.exit(2);
}
const seed = values.seed.trim();
const raw = JSON.parse(readFileSync(values.open ?? 0, 'utf8'));
const open = raw.data && raw.data.proof ? raw.data : raw; // a webhook envelope, or the open itself
const proof = open.proof;

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

for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
const ok = checks.every((c) => c.ok);
console.log(ok ? `verified: prize ${index} of ${proof.weights.length}, ${JSON.stringify(open.reward)}` : 'NOT VERIFIED');
process.exit(ok ? 0 : 1);

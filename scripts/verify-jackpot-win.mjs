#!/usr/bin/env node
// Verifies a jackpot win, independently of the service: give it the win (an entry of
// GET /v1/jackpots/:id/wins, or a jackpot.won webhook's data). Its proof carries the revealed seed and
// what the outcome was derived from. It checks that the seed is the one committed to when the cycle
// began, and recomputes the outcome:
//
//   node scripts/verify-jackpot-win.mjs --win win.json [--contributions cycle.json]
//   curl … | node scripts/verify-jackpot-win.mjs
//
// The outcomes (algorithm hmac-sha256-64bit-v1; key = the seed's 64 hex characters):
//   must_drop:   R = must_drop_by − seed_amount; block n = HMAC-SHA256(seed, "drop_point" or "drop_point:<n>");
//                each block gives four 64-bit big-endian integers r; the first r < floor(2^64 / R) × R
//                gives drop_point = seed_amount + 1 + (r mod R). The contribution that brought the pool
//                to the drop point won it.
//   progressive: r = the first 8 bytes, big-endian, of HMAC-SHA256(seed, source_wager_id); a bet wins when
//                r / 2^64 < hit_rate × bet_amount / 1000.
// With --contributions (a JSON array of { source_wager_id, bet_amount }: your bets of that cycle), a
// progressive jackpot's rolls are recomputed for each, so you can see that none of yours before the win
// should have won. Needs nothing but Node.js. Exits 0 when the win checks out, 1 when it does not.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { win: { type: 'string' }, contributions: { type: 'string' } } });
const raw = JSON.parse(readFileSync(values.win ?? 0, 'utf8'));
const win = raw.data && raw.data.proof ? raw.data : raw; // a webhook envelope, or the win itself
const proof = win.proof;
const seed = proof.seed;

const checks = [];
const check = (what, ok, detail) => checks.push({ what, ok, detail });
check('the seed is the one committed to', createHash('sha256').update(seed).digest('hex') === proof.seed_commit, `sha256(seed) vs ${proof.seed_commit}`);

const TWO_64 = 1n << 64n;
const scaled = (decimal, places) => {
  const [whole, frac = ''] = decimal.split('.');
  return BigInt(whole) * 10n ** BigInt(places) + BigInt(frac.padEnd(places, '0') || '0');
};
const rollOf = (id) => createHmac('sha256', seed).update(id, 'utf8').digest().readBigUInt64BE(0);
const wins = (r, hitRate, bet) => r * 1000n * 10n ** 12n < scaled(hitRate, 12) * BigInt(bet) * TWO_64;

if (proof.drop_point !== undefined) {
  const R = BigInt(proof.must_drop_by) - BigInt(proof.seed_amount);
  const limit = (TWO_64 / R) * R;
  let drop;
  for (let block = 0; drop === undefined; block++) {
    const digest = createHmac('sha256', seed).update(block === 0 ? 'drop_point' : `drop_point:${block}`).digest();
    for (let i = 0; i < 32 && drop === undefined; i += 8) {
      const r = digest.readBigUInt64BE(i);
      if (r < limit) drop = BigInt(proof.seed_amount) + 1n + (r % R);
    }
  }
  check('the drop point follows from the seed', drop === BigInt(proof.drop_point), `${drop}`);
  check('the pool had reached the drop point', scaled(proof.pool, 9) >= drop * 10n ** 9n, `pool ${proof.pool} ≥ ${drop}`);
  if (proof.pool_before !== undefined) {
    check('this contribution crossed it', scaled(proof.pool_before, 9) < drop * 10n ** 9n && scaled(proof.pool_before, 9) + scaled(proof.contribution, 9) === scaled(proof.pool, 9),
      `pool before ${proof.pool_before} < ${drop}, + ${proof.contribution} = ${proof.pool}`);
  }
  check('the win paid the pool\'s whole millis', BigInt(win.amount) === scaled(proof.pool, 9) / 10n ** 9n, `${win.amount}`);
} else {
  const r = rollOf(win.source_wager_id);
  check('the roll follows from the seed and the source_wager_id', r.toString(16).padStart(16, '0') === proof.roll, r.toString(16).padStart(16, '0'));
  check('the roll wins at hit_rate × bet / 1000', wins(r, proof.hit_rate, proof.bet_amount), `r / 2^64 = ${Number(r) / 2 ** 64} < ${Number(proof.hit_rate) * proof.bet_amount / 1000}`);
  if (values.contributions) {
    for (const c of JSON.parse(readFileSync(values.contributions, 'utf8'))) {
      const rc = rollOf(c.source_wager_id);
      console.log(`     ${c.source_wager_id}: roll ${rc.toString(16).padStart(16, '0')} ${wins(rc, proof.hit_rate, c.bet_amount) ? 'WINS' : 'loses'}`);
    }
  }
}

for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
const ok = checks.every((c) => c.ok);
console.log(ok ? `verified: cycle ${win.cycle} won by ${win.source_wager_id} for ${win.amount}` : 'NOT VERIFIED');
process.exit(ok ? 0 : 1);

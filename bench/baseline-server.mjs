// The baseline of bench:ingest: a bare Fastify route that stores an equivalent event row with one
// idempotent INSERT … ON CONFLICT DO NOTHING through pg per request, and answers like the service
// (201 new, 200 replay). No validation, no auth lookup, no effects: what one round trip per wager costs.
// Prints {"listening":<port>} when ready.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const app = Fastify({ logger: false });
app.post('/v1/wagers', async (req, reply) => {
  const w = req.body;
  const { rowCount } = await pool.query(
    `INSERT INTO bench_events (tenant_id, source_wager_id, player_id, bet_amount, win_amount, currency, game_code, game_category, settled_at, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9) ON CONFLICT (tenant_id, source_wager_id) DO NOTHING`,
    ['ten_bench', w.source_wager_id, w.player_id, w.bet_amount, w.win_amount, w.currency, w.game_code, w.game_category, JSON.stringify(w)],
  );
  reply.code(rowCount === 1 ? 201 : 200);
  return { source_wager_id: w.source_wager_id };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ listening: Number(new URL(address).port) })}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});

// A webhook receiver for the end-to-end tests, run as its own process: the verification is the code of
// seeds/000 Recipe 6 (Express), unchanged. The test drives it through /control:
//   POST /control  { secret?, status?, failFirst?, delayMs?, redirect? }  — how to answer from now on
//   GET  /control  → { received: [...] }                                  — every request seen
// It listens on PORT (0: any free port) and prints `{"listening":<port>}` once ready.
import express from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';

const app = express();
let SECRET = process.env.WOWSINO_WEBHOOK_SECRET ?? '';
const behaviour = { status: 200, failFirst: 0, delayMs: 0, redirect: null };
const received = [];

app.post('/control', express.json(), (req, res) => {
  if (typeof req.body.secret === 'string') SECRET = req.body.secret;
  for (const k of ['status', 'failFirst', 'delayMs', 'redirect']) if (k in req.body) behaviour[k] = req.body[k];
  res.json({ ok: true });
});
app.get('/control', (_req, res) => res.json({ received }));

// The handler of Recipe 6, with `handle(event)` recording what arrived and answering as told.
app.post('/webhooks/wowsino',
  express.raw({ type: 'application/json' }),
  (req, res) => {
    const record = { at: Date.now(), delivery: req.headers['x-wowsino-delivery'], event_type: req.headers['x-wowsino-event'], signature: req.headers['x-wowsino-signature'], verified: false, answered: 400 };
    received.push(record);
    const sig = req.headers['x-wowsino-signature'];
    const raw = req.body.toString('utf8');
    record.raw = raw;
    const m = /^t=(\d+),v1=([0-9a-f]+)$/.exec(sig);
    if (!m) return res.status(400).end();
    if (Math.abs(Date.now()/1000 - Number(m[1])) > 300)
      return res.status(400).end();
    const expected = createHmac('sha256', SECRET).update(`${m[1]}.${raw}`).digest('hex');
    if (!timingSafeEqual(Buffer.from(m[2],'hex'), Buffer.from(expected,'hex')))
      return res.status(400).end();
    const event = JSON.parse(raw);
    // Process event by type
    handle(event, record, res);
  },
);

function handle(event, record, res) {
  record.verified = true;
  record.event_id = event.id;
  record.type = event.type;
  record.t = Number(/^t=(\d+)/.exec(record.signature)[1]);
  const answer = () => {
    if (behaviour.redirect) {
      record.answered = 302;
      return res.redirect(302, behaviour.redirect);
    }
    if (behaviour.failFirst > 0) {
      behaviour.failFirst--;
      record.answered = 500;
      return res.status(500).send('temporarily broken');
    }
    record.answered = behaviour.status;
    if (behaviour.status >= 200 && behaviour.status < 300) return res.status(behaviour.status).json({ ok: true });
    return res.status(behaviour.status).send(`answering ${behaviour.status}`);
  };
  if (behaviour.delayMs > 0) setTimeout(answer, behaviour.delayMs);
  else answer();
}

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

// The benchmarks' webhook receiver: answers 200 at once and counts distinct event ids (from the
// X-Wowsino-Delivery/-Event headers and the body's id). GET /count → { requests, distinct }.
// POST /reset clears it. Prints {"listening":<port>} when ready.
import http from 'node:http';

let requests = 0;
let ids = new Set();
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') return res.end(JSON.stringify({ requests, distinct: ids.size }));
  if (req.method === 'POST' && req.url === '/reset') {
    requests = 0;
    ids = new Set();
    return res.end('{}');
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    requests++;
    const m = /"id":"([^"]+)"/.exec(Buffer.concat(chunks).toString('utf8'));
    if (m) ids.add(m[1]);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`));
process.on('SIGTERM', () => process.exit(0));

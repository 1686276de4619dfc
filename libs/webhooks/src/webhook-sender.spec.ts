import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { IDLE_SOCKET_MS, WebhookSender } from './webhook-sender.js';

// A real receiver on loopback: the sender's keep-alive behaviour is about real sockets.
interface Seen {
  connection: number;
  nth: number;
}

async function receiver(answer: (seen: Seen, req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const sockets: Socket[] = [];
  const closed: number[] = [];
  const server = http.createServer((req, res) => {
    const socket = req.socket as Socket & { connection?: number; requests?: number };
    socket.requests = (socket.requests ?? 0) + 1;
    const s = { connection: socket.connection!, nth: socket.requests };
    seen.push(s);
    req.resume();
    req.on('end', () => answer(s, req, res));
  });
  // Longer than any test waits: only the sender closes an idle connection here.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket: Socket & { connection?: number }) => {
    socket.connection = sockets.push(socket);
    socket.on('close', () => closed.push(socket.connection!));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { url, seen, closed, stop };
}

const OPTIONS = { timeoutMs: 5_000, allowPrivateNetworks: true };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

describe('WebhookSender keep-alive', () => {
  it('sends again once when a reused connection is reset before any answer, and counts one success', async () => {
    // The receiver drops every connection on its second request, unanswered: what a receiver closing
    // an idle keep-alive connection just as it is reused looks like to the sender.
    const r = await receiver((s, _req, res) => (s.nth === 1 ? res.end('ok') : res.socket!.destroy()));
    const sender = new WebhookSender();
    cleanup.push(r.stop, () => sender.close());

    const first = await sender.send(r.url, {}, '{"n":1}', OPTIONS);
    const second = await sender.send(r.url, {}, '{"n":2}', OPTIONS);

    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(second.error).toBeNull();
    // the reset really was on the reused connection, and the second try went over a new one
    expect(r.seen).toEqual([
      { connection: 1, nth: 1 },
      { connection: 1, nth: 2 },
      { connection: 2, nth: 1 },
    ]);
  });

  it('does not send again after a reset on a new connection', async () => {
    const r = await receiver((_s, _req, res) => res.socket!.destroy());
    const sender = new WebhookSender();
    cleanup.push(r.stop, () => sender.close());

    const result = await sender.send(r.url, {}, '{}', OPTIONS);
    expect(result).toMatchObject({ ok: false, error: 'connection reset' });
    expect(r.seen).toHaveLength(1);
  });

  it('waits out a receiver slower than the idle timeout: that timeout is for pooled connections only', async () => {
    const r = await receiver((_s, _req, res) => setTimeout(() => res.end('ok'), IDLE_SOCKET_MS + 500));
    const sender = new WebhookSender();
    cleanup.push(r.stop, () => sender.close());

    expect(await sender.send(r.url, {}, '{}', { ...OPTIONS, timeoutMs: IDLE_SOCKET_MS + 5_000 })).toMatchObject({ ok: true, statusCode: 200 });
  });

  it(`closes a connection idle for ${IDLE_SOCKET_MS} ms, before the 5 s after which servers commonly close it`, async () => {
    expect(IDLE_SOCKET_MS).toBeLessThan(5_000);
    const r = await receiver((_s, _req, res) => res.end('ok'));
    const sender = new WebhookSender();
    cleanup.push(r.stop, () => sender.close());

    expect((await sender.send(r.url, {}, '{}', OPTIONS)).ok).toBe(true);
    // The receiver keeps it for 120 s: only the sender's idle timeout closes it (the test times out otherwise).
    await new Promise<void>((resolve) => {
      const poll = () => (r.closed.includes(1) ? resolve() : setTimeout(poll, 50));
      poll();
    });
    expect(r.closed).toEqual([1]);
  });
});

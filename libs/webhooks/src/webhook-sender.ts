import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isForbiddenAddress, isForbiddenHostLiteral } from './ssrf.js';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** why it failed: an HTTP status with the start of the body, a timeout, a refused connection, the SSRF guard */
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

export class ForbiddenAddressError extends Error {
  override name = 'ForbiddenAddressError';
}

const MAX_ERROR_BODY = 200;

/**
 * An idle keep-alive connection is closed after this: below the 5 s that common servers keep one
 * (Node's own, Apache), so that a receiver seldom closes a connection just as it is reused. A receiver
 * that announces a shorter `Keep-Alive: timeout` is taken at its word (by Node's agent).
 */
export const IDLE_SOCKET_MS = 4_000;

/**
 * POSTs one webhook. 2xx within the timeout is success; any other status (redirects included: they
 * are never followed), a timeout or a connection error is a failure. Unless private networks are
 * allowed, the address actually connected to is checked: IP literals before connecting, host names
 * after DNS resolution, in the lookup the socket itself uses (so DNS rebinding cannot slip past).
 */
export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(idleSocketMs = IDLE_SOCKET_MS) {
    // `timeout` is the idle time after which the agent closes a pooled socket; on a socket in use it
    // only emits an event that nothing here listens to (each request has its own deadline).
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo', timeout: idleSocketMs }),
      https: new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo', timeout: idleSocketMs }),
    };
  }

  send(url: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const fail = (error: string, statusCode: number | null = null): SendResult => ({ ok: false, statusCode, error, durationMs: elapsed() });

    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return Promise.resolve(fail('invalid URL'));
    }
    if (!options.allowPrivateNetworks && isForbiddenHostLiteral(u.hostname)) {
      return Promise.resolve(fail(`refused: ${u.hostname} is a private or reserved address`));
    }
    const secure = u.protocol === 'https:';
    const payload = Buffer.from(body, 'utf8');

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      let current: http.ClientRequest | undefined;
      const finish = (r: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(r);
      };
      const deadline = setTimeout(() => {
        current?.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);

      const post = (firstTry: boolean) => {
        let answered = false;
        const req = (secure ? https : http).request({
          protocol: u.protocol,
          hostname: u.hostname.replace(/^\[|\]$/g, ''),
          port: u.port || (secure ? 443 : 80),
          path: `${u.pathname}${u.search}`,
          method: 'POST',
          // a retry takes a connection of its own: another pooled one may be just as stale
          agent: !firstTry ? false : secure ? this.agents.https : this.agents.http,
          headers: { ...headers, 'content-length': String(payload.length) },
          lookup: options.allowPrivateNetworks ? undefined : guardedLookup,
        });
        current = req;

        req.on('socket', (socket) => {
          if (options.allowPrivateNetworks) return;
          // Belt and braces: whatever resolved it, never talk to a forbidden peer.
          const check = () => {
            if (socket.remoteAddress && isForbiddenAddress(socket.remoteAddress)) {
              req.destroy(new ForbiddenAddressError(`refused: connected to private or reserved address ${socket.remoteAddress}`));
            }
          };
          if (socket.remoteAddress) check();
          else socket.once('connect', check);
        });
        req.on('response', (res) => {
          answered = true;
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_ERROR_BODY) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => {
            if (status >= 200 && status < 300) return finish({ ok: true, statusCode: status, error: null, durationMs: elapsed() });
            const snippet = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY).replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
            const kind = status >= 300 && status < 400 ? `redirect not followed${res.headers.location ? ` (to ${res.headers.location})` : ''}` : `HTTP ${status}`;
            finish(fail(snippet ? `${kind}: ${snippet}` : kind, status));
          });
          res.on('error', (err) => finish(fail(describe(err), status)));
        });
        req.on('error', (err: Error & { code?: string }) => {
          // A kept-alive connection that the receiver closed just as it was reused: the request went
          // nowhere, so it is sent once more, within the same deadline.
          if (firstTry && !settled && !answered && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return post(false);
          finish(fail(describe(err)));
        });
        req.end(payload);
      };
      post(true);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** DNS resolution that refuses, outright, a name with any private or reserved address. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const forbidden = addresses.find((a) => isForbiddenAddress(a.address));
    if (forbidden) {
      return callback(new ForbiddenAddressError(`refused: ${hostname} resolves to private or reserved address ${forbidden.address}`), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    return callback(null, first.address, first.family);
  });
};

function describe(err: Error & { code?: string }): string {
  if (err instanceof ForbiddenAddressError) return err.message;
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ENOTFOUND') return 'host not found';
  if (err.code === 'ECONNRESET') return 'connection reset';
  return err.message || err.code || 'request failed';
}

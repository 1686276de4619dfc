import { connect } from 'node:net';

/** A small HTTP client for the end-to-end tests: real requests over loopback, no mocks. */
export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  key?: string;
  headers?: Record<string, string>;
  /** A raw body sent as is (malformed JSON, other content types). */
  raw?: string | Buffer;
}

export class HttpClient {
  constructor(
    readonly baseUrl: string,
    readonly defaultKey?: string,
  ) {}

  withKey(key: string): HttpClient {
    return new HttpClient(this.baseUrl, key);
  }

  get<T = any>(path: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>('GET', path, undefined, opts);
  }

  post<T = any>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>('POST', path, body, opts);
  }

  patch<T = any>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>('PATCH', path, body, opts);
  }

  delete<T = any>(path: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>('DELETE', path, undefined, opts);
  }

  async request<T = any>(method: string, path: string, body: unknown, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key ?? this.defaultKey;
    if (key !== undefined && !('authorization' in headers)) headers.authorization = `Bearer ${key}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. the Swagger UI page)
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /**
   * A request over a raw socket that still reads the answer when the server stops reading the body
   * and closes (as it does for 413): fetch reports that as a write error and loses the response.
   */
  rawSocketRequest(method: string, path: string, body: Buffer, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const url = new URL(this.baseUrl);
    const head = [
      `${method} ${path} HTTP/1.1`,
      `host: ${url.host}`,
      'connection: close',
      `content-length: ${body.length}`,
      ...(this.defaultKey ? [`authorization: Bearer ${this.defaultKey}`] : []),
      ...Object.entries({ 'content-type': 'application/json', ...headers }).map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
      });
      socket.on('close', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.indexOf('\r\n\r\n');
        if (split < 0) return reject(new Error(`no HTTP response (${raw.length} bytes read)`));
        const [statusLine, ...headerLines] = raw.slice(0, split).split('\r\n');
        const responseHeaders = new Headers(headerLines.map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
        const text = raw.slice(split + 4);
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: Number(statusLine.split(' ')[1]), headers: responseHeaders, body: parsed, text });
      });
      socket.write(`${head}\r\n\r\n`);
      socket.end(body);
    });
  }
}

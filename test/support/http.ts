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
}

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { createLogger } from './logger.js';

/** Nest's own serializer of a JSON log record, the one the flat records' shortcut must match. */
class NestSerializer extends ConsoleLogger {
  serialize(record: Record<string, unknown>): string {
    return this.stringifyJsonLogObject(record);
  }
}

describe('createLogger (JSON lines)', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const lines = async (): Promise<Array<Record<string, unknown>>> => {
    await new Promise((resolve) => setImmediate(resolve));
    return written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('writes a flat record (the access log) as Nest would, secrets masked', async () => {
    const flat = { level: 'log', pid: 7, timestamp: 1765000000000, message: 'request', context: 'HTTP', path: '/v1/wagers', status: 201, duration_ms: 12.5, tenant_id: null, ok: true, text: 'say "hi" \\ ü 😀 \u2028' };
    expect(JSON.stringify(flat)).toBe(new NestSerializer({ json: true }).serialize(flat));

    createLogger('info').log('request', { request_id: 'req_1', status: 201, api_key: 'wz_server_secret', duration_ms: 3.2 }, 'HTTP');
    const [line] = await lines();
    expect(line).toMatchObject({ level: 'log', message: 'request', context: 'HTTP', request_id: 'req_1', status: 201, duration_ms: 3.2 });
    expect(line.api_key).not.toBe('wz_server_secret');
    expect(written.join('')).not.toContain('wz_server_secret');
  });

  it('leaves other records to Nest: nested values, bigints, masked keys inside them', async () => {
    createLogger('info').log('batch', { size: 3n, detail: { token: 'tok_secret', items: [1, 2] } }, 'Ingest');
    const [line] = await lines();
    expect(line).toMatchObject({ message: 'batch', context: 'Ingest', size: '3', detail: { items: [1, 2] } });
    expect(written.join('')).not.toContain('tok_secret');
  });
});

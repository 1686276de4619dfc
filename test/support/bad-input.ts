// What the bad-input matrices (test/e2e/bad-input-*.e2e.spec.ts) share: how a case's body is written and sent,
// how cases are made from a valid body, and what a refusal must look like (API.md §1).
import { expect } from '@jest/globals';
import type { HttpResponse } from './http.js';

/**
 * A request body: a value sent as JSON, raw bytes sent as they are, or a value made when the request is sent
 * (bodies that name the fixtures, which exist only once the API runs).
 */
export type Payload = { body: unknown } | { raw: string | Buffer } | { lazy: () => unknown };

export interface BadCase {
  name: string;
  payload: Payload;
  /** The field(s) `details` must name, exactly. */
  fields: string[];
}

export interface SendOptions {
  /** Send no Authorization header at all. */
  anonymous?: boolean;
  key?: string;
  headers?: Record<string, string>;
}

export function bodyOf(payload: Payload): { raw?: string | Buffer; body?: unknown } {
  if ('raw' in payload) return { raw: payload.raw };
  return { body: 'lazy' in payload ? payload.lazy() : payload.body };
}

/** The API.md §1 error body with this status and code, and a request_id equal to the X-Request-Id header. */
export function expectError(res: HttpResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.body).toEqual({
    error: { code, message: expect.any(String), ...(res.body.error.details !== undefined && { details: expect.any(Array) }) },
    request_id: expect.any(String),
  });
  expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
}

/** 400 validation_failed whose `details` are well-formed and name exactly these fields (in any order). */
export function expectFields(res: HttpResponse, fields: string[]): void {
  expectError(res, 400, 'validation_failed');
  const details: unknown[] = res.body.error.details;
  expect(details.length).toBeGreaterThan(0);
  for (const d of details) expect(d).toEqual({ field: expect.any(String), issue: expect.any(String) });
  expect([...new Set(res.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([...fields].sort());
}

/** 400 validation_failed naming this one field. */
export function expectValidationFailed(res: HttpResponse, field: string): void {
  expectFields(res, [field]);
}

export const json = (body: unknown): Payload => ({ body });

export const raw = (text: string | Buffer): Payload => ({ raw: text });

export const lazy = (make: () => unknown): Payload => ({ lazy: make });

export function without<T extends Record<string, unknown>>(body: T, ...keys: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...body };
  for (const k of keys) delete copy[k];
  return copy;
}

/** A case per value of one field, on top of a base body. */
export function fieldCases(field: string, base: Record<string, unknown>, values: Array<[label: string, value: unknown]>): BadCase[] {
  return values.map(([label, value]) => ({ name: `${field}: ${label}`, payload: json({ ...base, [field]: value }), fields: [field] }));
}

export function missingCases(base: Record<string, unknown>, fields: string[]): BadCase[] {
  return fields.map((field) => ({ name: `missing ${field}`, payload: json(without(base, field)), fields: [field] }));
}

export function unknownCases(base: Record<string, unknown>, keys: Array<[key: string, value: unknown]>): BadCase[] {
  return keys.map(([key, value]) => ({ name: `unknown field ${key}`, payload: json({ ...base, [key]: value }), fields: [key] }));
}

/**
 * A body whose one value is written as raw JSON text (numbers JSON.stringify cannot write): `value` is put
 * where the placeholder string is.
 */
export function rawWith(body: unknown, text: string): Payload {
  return raw(JSON.stringify(body).replace('"@@RAW@@"', text));
}

export const RAW = '@@RAW@@';

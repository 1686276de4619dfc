import { describe, expect, it } from '@jest/globals';
import { parseRfc3339 } from './validators.js';

describe('parseRfc3339', () => {
  it.each([
    ['2026-05-19T12:00:00Z', '2026-05-19T12:00:00.000Z'],
    ['2026-05-19t12:00:00.5+02:00', '2026-05-19T10:00:00.500Z'],
    ['2026-05-19T12:00:00.123456789-05:30', '2026-05-19T17:30:00.123Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('accepts %s', (text, iso) => {
    expect(parseRfc3339(text)?.toISOString()).toBe(iso);
  });

  it.each(['2026-02-30T00:00:00Z', '2027-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-05-19T24:00:00Z', '2026-05-19', '2026-05-19T12:00:00', '2026-13-01T00:00:00Z', '2026-05-19 12:00:00Z', 'yesterday', '1969-12-31T23:59:59Z', '', 20260519])(
    'refuses %p',
    (value) => {
      expect(parseRfc3339(value)).toBeNull();
    },
  );
});

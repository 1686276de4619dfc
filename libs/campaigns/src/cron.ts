import { CronExpressionParser } from 'cron-parser';

/**
 * A campaign schedule: a cron expression of 5 fields (minute hour day-of-month month day-of-week) or
 * 6 (seconds first), evaluated in UTC. Returns why it is refused, or null.
 */
export function cronProblem(expr: string): string | null {
  const fields = expr.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) return 'must be a cron expression of 5 or 6 fields';
  // No H: cron-parser reads it as a value drawn at random each time the next firing is computed, so the
  // slot would move and the campaign could run more than once in the period it names. (In the month and
  // day-of-week fields, an H inside a three-letter name such as THU is part of the name.)
  if (fields.some((f, i) => (i >= fields.length - 2 ? f.replace(/[a-z]{3}/gi, '') : f).includes('H'))) {
    return 'must not use H (a random value, drawn anew for every run)';
  }
  try {
    const it = CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date() });
    it.next();
    return null;
  } catch (err) {
    return `is not a valid cron expression (${err instanceof Error ? err.message : String(err)})`;
  }
}

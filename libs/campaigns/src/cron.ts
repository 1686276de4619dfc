import { CronExpressionParser } from 'cron-parser';

/**
 * A campaign schedule: a cron expression of 5 fields (minute hour day-of-month month day-of-week) or
 * 6 (seconds first), evaluated in UTC. Returns why it is refused, or null.
 */
export function cronProblem(expr: string): string | null {
  const fields = expr.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) return 'must be a cron expression of 5 or 6 fields';
  try {
    const it = CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date() });
    it.next();
    return null;
  } catch (err) {
    return `is not a valid cron expression (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** API.md §1 lists: `{ data, next_cursor }`. Cursors are the last id of a page (ids sort by time). */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** Builds a page from `limit + 1` fetched rows: the extra row only tells that there is more. */
export function toPage<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string, view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { data: kept.map(view), next_cursor: more ? cursorOf(kept[kept.length - 1]) : null };
}

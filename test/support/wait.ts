/** Polls `probe` until it returns something truthy, or fails after `timeoutMs` with the last value seen. */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 20_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An array, or undefined while it is empty (for eventually()). */
export const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);

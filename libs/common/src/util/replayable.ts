/**
 * The outcome of an idempotent write (API.md §2): the answer, and whether it is a replay of an earlier
 * call with the same key. The HTTP layer answers 200 + `Idempotent-Replayed: true` for a replay and
 * the route's own status (201, 202) for the first call.
 */
export class Replayable<T> {
  constructor(
    readonly value: T,
    readonly replayed: boolean,
  ) {}

  static first<T>(value: T): Replayable<T> {
    return new Replayable(value, false);
  }

  static replay<T>(value: T): Replayable<T> {
    return new Replayable(value, true);
  }
}

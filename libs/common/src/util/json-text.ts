/**
 * An answer already serialized: JSON text that goes out as the response body as it is. The wager
 * hot path builds each answer's JSON once, for the row that stores it; the same text crosses from the
 * ingestion thread and becomes the body, instead of the object being cloned between threads and
 * serialized again (the HTTP layer's preSerialization hook sends it). `T` is the shape it holds.
 */
export class JsonText<T = unknown> {
  declare private readonly shape?: T;

  constructor(readonly text: string) {}

  static of<T>(value: T): JsonText<T> {
    return new JsonText<T>(JSON.stringify(value));
  }
}

/** An answer as an object, or as its JSON text. */
export type Answer<T> = T | JsonText<T>;

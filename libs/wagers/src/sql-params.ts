/** Positional parameters for a statement assembled piece by piece: each value becomes `$n::<cast>`. */
export class Params {
  readonly values: unknown[] = [];

  add(v: unknown, cast: string): string {
    this.values.push(v);
    return `$${this.values.length}::${cast}`;
  }
}

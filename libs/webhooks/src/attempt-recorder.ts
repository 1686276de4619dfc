/**
 * Records a batch's attempts as they end: the first one to end starts a short wait, and everything
 * that ended by then is recorded in one statement. A batch whose attempts all end together is one
 * statement, as before; a slow receiver no longer holds back the record of the fast ones.
 */
export class AttemptRecorder<O> {
  private pending: O[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly writes: Array<Promise<Set<string>>> = [];

  constructor(
    private readonly record: (outcomes: O[]) => Promise<Set<string>>,
    private readonly gatherMs: number,
  ) {}

  add(outcome: O): void {
    this.pending.push(outcome);
    this.timer ??= setTimeout(() => this.flush(), this.gatherMs);
  }

  /** Records what is left; resolves with every delivery recorded, or rejects if any write failed. */
  async finish(): Promise<Set<string>> {
    this.flush();
    const sets = await Promise.all(this.writes);
    return new Set(sets.flatMap((set) => [...set]));
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const write = this.record(this.pending);
    this.pending = [];
    write.catch(() => undefined); // handled: finish() rethrows it
    this.writes.push(write);
  }
}

/**
 * Bounds how many items of one response are in the pipelines at once (concurrentItems).
 * There is a single producer (the output loop), so one waiter is enough.
 */
export class ItemLimiter {
  readonly #max: number;
  #running = 0;
  #waiter: (() => void) | undefined;
  #drained: (() => void) | undefined;

  constructor(max: number) {
    this.#max = max;
  }

  /** Starts `task`; returns a promise only when the producer must wait for a free place. */
  run(task: () => Promise<void>): void | Promise<void> {
    if (this.#running >= this.#max) {
      return new Promise<void>((resolve) => {
        this.#waiter = resolve;
      }).then(() => this.run(task));
    }
    this.#running++;
    const release = (): void => {
      this.#running--;
      const waiter = this.#waiter;
      if (waiter) {
        this.#waiter = undefined;
        waiter();
      } else if (this.#running === 0 && this.#drained) {
        const drained = this.#drained;
        this.#drained = undefined;
        drained();
      }
    };
    task().then(release, release);
    return undefined;
  }

  /** Resolves when every started task has finished. */
  drain(): void | Promise<void> {
    if (this.#running === 0) return undefined;
    return new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
  }
}

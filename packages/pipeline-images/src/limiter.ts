/**
 * Paces the images pipeline to sharp: at most `concurrency` images are converted at once, and at
 * most `items` items are in the pipeline while sharp is the bottleneck. Holding an item back is
 * what bounds memory: its images are not downloaded yet, and the engine stops pulling pages while
 * items wait, so bodies do not pile up faster than sharp converts them. When downloads are the
 * slow part, every conversion that finishes with nothing queued lets one more item in, so the
 * number of items in flight grows until the downloads keep sharp busy.
 */
export class ImageGate {
  readonly #concurrency: number;
  readonly #maxItems: number;
  #converting = 0;
  #items = 0;
  readonly #queue: (() => void)[] = [];
  readonly #held: (() => void)[] = [];

  constructor(concurrency: number, items: number) {
    this.#concurrency = concurrency;
    this.#maxItems = items;
  }

  /** Runs an item's work (downloads and conversions) once there is room for it. */
  async item<T>(task: () => Promise<T>): Promise<T> {
    if (this.#items < this.#maxItems) this.#items++;
    // The place is handed over by #admit(), which has counted it already.
    else await new Promise<void>((resolve) => this.#held.push(resolve));
    try {
      return await task();
    } finally {
      this.#items--;
      this.#admit(this.#items < this.#maxItems);
    }
  }

  /** Runs one image's conversion once one of the `concurrency` slots is free. */
  async convert<T>(task: () => Promise<T>): Promise<T> {
    if (this.#converting < this.#concurrency) this.#converting++;
    else await new Promise<void>((resolve) => this.#queue.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#queue.shift();
      if (next === undefined) {
        this.#converting--;
        // sharp is about to idle: the items in flight do not bring images fast enough.
        this.#admit(true);
      } else {
        next();
      }
    }
  }

  #admit(room: boolean): void {
    const next = room ? this.#held.shift() : undefined;
    if (next === undefined) return;
    this.#items++;
    next();
  }
}

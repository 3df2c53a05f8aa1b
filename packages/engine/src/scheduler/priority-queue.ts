/** Order within one priority: 'lifo' (Scrapy's default, depth-first) or 'fifo' (breadth-first). */
export type QueueOrder = 'lifo' | 'fifo';

/** One priority's items; FIFO reads advance `head` instead of shifting the array. */
interface Bucket<T> {
  items: T[];
  head: number;
}

/**
 * A priority queue over numeric priorities (higher first), LIFO or FIFO within a priority.
 * Push and pop are O(1) for an existing priority; a new priority costs a binary search.
 * Reusable by other scheduler backends (disk, memory caches in front of Redis).
 */
export class PriorityQueue<T> {
  readonly order: QueueOrder;
  readonly #buckets = new Map<number, Bucket<T>>();
  /** Priorities that have items, ascending, so the highest is popped from the end. */
  readonly #priorities: number[] = [];
  #size = 0;

  constructor(order: QueueOrder = 'lifo') {
    this.order = order;
  }

  get size(): number {
    return this.#size;
  }

  push(item: T, priority = 0): void {
    let bucket = this.#buckets.get(priority);
    if (!bucket) {
      bucket = { items: [], head: 0 };
      this.#buckets.set(priority, bucket);
      this.#insertPriority(priority);
    }
    bucket.items.push(item);
    this.#size++;
  }

  /** Removes and returns the next item, or undefined when empty. */
  pop(): T | undefined {
    const last = this.#priorities.length - 1;
    if (last < 0) return undefined;
    const priority = this.#priorities[last]!;
    const bucket = this.#buckets.get(priority)!;
    let item: T;
    if (this.order === 'lifo') {
      item = bucket.items.pop()!;
    } else {
      item = bucket.items[bucket.head]!;
      bucket.items[bucket.head] = undefined as T; // release the reference for GC
      bucket.head++;
      if (bucket.head > 1024 && bucket.head * 2 > bucket.items.length) {
        bucket.items = bucket.items.slice(bucket.head);
        bucket.head = 0;
      }
    }
    this.#size--;
    if (bucket.items.length === bucket.head) {
      this.#buckets.delete(priority);
      this.#priorities.pop();
    }
    return item;
  }

  /** The next item without removing it. */
  peek(): T | undefined {
    const priority = this.#priorities[this.#priorities.length - 1];
    if (priority === undefined) return undefined;
    const bucket = this.#buckets.get(priority)!;
    return this.order === 'lifo' ? bucket.items[bucket.items.length - 1] : bucket.items[bucket.head];
  }

  /** Items in pop order (for persistence and debugging; O(n)). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let p = this.#priorities.length - 1; p >= 0; p--) {
      const bucket = this.#buckets.get(this.#priorities[p]!)!;
      if (this.order === 'lifo') for (let i = bucket.items.length - 1; i >= bucket.head; i--) yield bucket.items[i]!;
      else for (let i = bucket.head; i < bucket.items.length; i++) yield bucket.items[i]!;
    }
  }

  clear(): void {
    this.#buckets.clear();
    this.#priorities.length = 0;
    this.#size = 0;
  }

  #insertPriority(priority: number): void {
    const list = this.#priorities;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! < priority) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, priority);
  }
}

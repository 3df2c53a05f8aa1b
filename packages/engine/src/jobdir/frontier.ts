import type { QueueOrder } from '../scheduler/priority-queue.js';
import { fifoSegmentQueue, lifoSegmentQueue, type SegmentQueue, type SegmentStore } from './segments.js';

/** One priority's part of a manifest: its segment files in push order. */
export interface QueueSnapshot {
  priority: number;
  segments: string[];
}

/** Stored request lines by priority (higher first), each priority a SegmentQueue. */
export class Frontier {
  readonly order: QueueOrder;
  readonly #store: SegmentStore;
  readonly #window: number;
  readonly #queues = new Map<number, SegmentQueue>();
  /** Priorities with a queue, ascending, so the highest is at the end. */
  readonly #priorities: number[] = [];
  #size = 0;

  constructor(store: SegmentStore, order: QueueOrder, window: number) {
    this.#store = store;
    this.order = order;
    this.#window = window;
  }

  get size(): number {
    return this.#size;
  }

  push(line: string, priority: number): void {
    let queue = this.#queues.get(priority);
    if (!queue) {
      queue = this.order === 'lifo' ? lifoSegmentQueue(this.#store, this.#window) : fifoSegmentQueue(this.#store, this.#window);
      this.#queues.set(priority, queue);
      insertSorted(this.#priorities, priority);
    }
    queue.push(line);
    this.#size++;
  }

  pop(): string | undefined {
    for (;;) {
      const priority = this.#priorities[this.#priorities.length - 1];
      if (priority === undefined) return undefined;
      const queue = this.#queues.get(priority)!;
      const line = queue.pop();
      if (queue.size === 0) {
        this.#queues.delete(priority);
        this.#priorities.pop();
      }
      if (line !== undefined) {
        this.#size--;
        return line;
      }
    }
  }

  /** Every priority's segments, in-flight lines of each priority to be popped first. */
  snapshot(inFlight: ReadonlyMap<number, readonly string[]>): QueueSnapshot[] {
    const out: QueueSnapshot[] = [];
    const priorities = new Set([...this.#priorities, ...inFlight.keys()]);
    for (const priority of [...priorities].sort((a, b) => b - a)) {
      const lines = inFlight.get(priority) ?? [];
      const queue = this.#queues.get(priority);
      const segments = queue ? queue.snapshot(lines) : lines.length > 0 ? [this.#store.write(lines)] : [];
      if (segments.length > 0) out.push({ priority, segments });
    }
    return out;
  }
}

function insertSorted(list: number[], value: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, value);
}

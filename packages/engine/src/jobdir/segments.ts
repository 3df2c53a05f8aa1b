import { closeSync, fsyncSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readLines, writeAll } from './files.js';

export const SEGMENT_NAME = /^seg-(\d{1,15})\.jsonl$/;

/**
 * Immutable files of queued request records, written once and read back whole. Spilled files
 * are fsync'd lazily, at the next checkpoint: until then the journal holds the same records.
 */
export class SegmentStore {
  readonly dir: string;
  #next: number;
  #unsynced: string[] = [];

  constructor(dir: string) {
    this.dir = dir;
    let max = -1;
    for (const name of readdirSync(dir)) {
      const m = SEGMENT_NAME.exec(name);
      if (m) max = Math.max(max, Number(m[1]));
    }
    this.#next = max + 1;
  }

  write(lines: readonly string[]): string {
    const name = `seg-${this.#next++}.jsonl`;
    const fd = openSync(join(this.dir, name), 'wx');
    try {
      writeAll(fd, `${lines.join('\n')}\n`);
    } finally {
      closeSync(fd);
    }
    this.#unsynced.push(name);
    return name;
  }

  /** The records of a segment; the caller validates them when it decodes them. */
  read(name: string): string[] {
    const out: string[] = [];
    for (const line of readLines(join(this.dir, name))) if (line.text !== '') out.push(line.text);
    return out;
  }

  /** fsyncs every segment written since the last call (before a manifest refers to them). */
  syncAll(): void {
    for (const name of this.#unsynced) {
      let fd: number;
      try {
        fd = openSync(join(this.dir, name), 'r');
      } catch {
        continue; // already loaded back and deleted
      }
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.#unsynced = [];
  }

  /** Deletes every segment file not in `keep`. */
  prune(keep: ReadonlySet<string>): void {
    for (const name of readdirSync(this.dir)) {
      if (SEGMENT_NAME.test(name) && !keep.has(name)) unlinkSync(join(this.dir, name));
    }
  }
}

/**
 * The requests of one priority: a small in-memory window, the rest in segment files on disk.
 * Items are the stored JSON lines, not Request objects, so the window stays small.
 */
export interface SegmentQueue {
  readonly size: number;
  push(line: string): void;
  pop(): string | undefined;
  /** Segment files that hold everything queued plus `inFlight` (popped first), in push order. */
  snapshot(inFlight: readonly string[]): string[];
}

/** LIFO: the window is the top of the stack; its bottom half spills when it doubles. */
export function lifoSegmentQueue(store: SegmentStore, window: number): SegmentQueue {
  let mem: string[] = [];
  const disk: string[] = [];
  let size = 0;
  return {
    get size() {
      return size;
    },
    push(line) {
      mem.push(line);
      size++;
      if (mem.length >= 2 * window) {
        disk.push(store.write(mem.slice(0, window)));
        mem = mem.slice(window);
      }
    },
    pop() {
      if (mem.length === 0) {
        const name = disk.pop();
        if (name === undefined) return undefined;
        mem = store.read(name);
      }
      const line = mem.pop();
      if (line !== undefined) size--;
      return line;
    },
    snapshot(inFlight) {
      const top = [...mem, ...inFlight];
      return top.length > 0 ? [...disk, store.write(top)] : [...disk];
    },
  };
}

/** FIFO: a read window at the head, a write buffer at the tail, full segments in between. */
export function fifoSegmentQueue(store: SegmentStore, window: number): SegmentQueue {
  let head: string[] = [];
  let hi = 0;
  const disk: string[] = [];
  let tail: string[] = [];
  let size = 0;
  return {
    get size() {
      return size;
    },
    push(line) {
      tail.push(line);
      size++;
      if (tail.length >= window) {
        disk.push(store.write(tail));
        tail = [];
      }
    },
    pop() {
      if (hi >= head.length) {
        const name = disk.shift();
        if (name !== undefined) head = store.read(name);
        else {
          head = tail;
          tail = [];
        }
        hi = 0;
      }
      if (hi >= head.length) return undefined;
      const line = head[hi]!;
      head[hi++] = '';
      size--;
      return line;
    },
    snapshot(inFlight) {
      const first = [...inFlight, ...head.slice(hi)];
      const out = first.length > 0 ? [store.write(first)] : [];
      out.push(...disk);
      if (tail.length > 0) out.push(store.write(tail));
      return out;
    },
  };
}

import { closeSync, fdatasyncSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One line of a job file with its 1-based number; `complete` is false for a last line without '\n'. */
export interface Line {
  text: string;
  number: number;
  complete: boolean;
}

const CHUNK = 1 << 20;

/**
 * The lines of a file, read synchronously in 1 MiB chunks so that a large file (a frontier
 * segment, the seen fingerprints) never sits in memory whole.
 */
export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let carry = '';
    let number = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      // Lines are split on the byte '\n', which never occurs inside a multi-byte UTF-8 sequence,
      // but a chunk boundary can: only complete lines are decoded.
      let text = carry;
      const lastNewline = buffer.lastIndexOf(10, n - 1);
      if (lastNewline < 0) {
        carry += buffer.toString('latin1', 0, n);
        continue;
      }
      text = carry === '' ? buffer.toString('utf8', 0, lastNewline) : Buffer.concat([Buffer.from(carry, 'latin1'), buffer.subarray(0, lastNewline)]).toString('utf8');
      carry = buffer.toString('latin1', lastNewline + 1, n);
      for (const line of text.split('\n')) yield { text: line, number: ++number, complete: true };
    }
    if (carry !== '') yield { text: Buffer.from(carry, 'latin1').toString('utf8'), number: ++number, complete: false };
  } finally {
    closeSync(fd);
  }
}

/** Writes a whole file durably and atomically (temp file, fsync, rename, fsync of the folder). */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
}

/** Makes a rename or a new file in `dir` durable. Some platforms cannot open folders; that is not fatal there. */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows: directories cannot be fsync'd; NTFS journals the metadata itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeAll(fd: number, data: string): void {
  // ASCII (almost every line: JSON escapes nothing else from URLs) is written without a copy.
  if (isAscii(data)) {
    let written = 0;
    while (written < data.length) written += writeSync(fd, written === 0 ? data : data.slice(written));
    return;
  }
  const buffer = Buffer.from(data, 'utf8');
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
}

/**
 * An append-only file of lines. Appends are buffered and written with one write() per batch;
 * `flush()` writes synchronously, so once it returns the lines survive a SIGKILL (they are in
 * the OS page cache). `sync()` also fdatasyncs, for power loss.
 */
export class AppendFile {
  readonly path: string;
  #fd: number | undefined;
  #pending: string[] = [];
  #dirty = false;

  /** `fresh` truncates a file left by an interrupted run instead of appending to it. */
  constructor(path: string, fresh = false) {
    this.path = path;
    this.#fd = openSync(path, fresh ? 'w' : 'a');
  }

  get buffered(): number {
    return this.#pending.length;
  }

  append(line: string): void {
    this.#pending.push(line);
  }

  flush(): void {
    if (this.#pending.length === 0 || this.#fd === undefined) return;
    const data = this.#pending.length === 1 ? `${this.#pending[0]!}\n` : `${this.#pending.join('\n')}\n`;
    this.#pending = [];
    writeAll(this.#fd, data);
    this.#dirty = true;
  }

  sync(): void {
    this.flush();
    if (!this.#dirty || this.#fd === undefined) return;
    fdatasyncSync(this.#fd);
    this.#dirty = false;
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.sync();
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\x00-\x7f]/.test(text);
}

import { PassThrough } from 'node:stream';
import { MemoryStats } from '@crawl/engine';
import { describe, expect, it } from 'vitest';
import { formatProgress, ProgressLine, snapshot } from '../src/index.js';

describe('progress', () => {
  it('summarises pages, items, rate, queue and errors from stats', () => {
    const stats = new MemoryStats();
    stats.set('response_received_count', 50);
    stats.set('item_scraped_count', 40);
    stats.set('scheduler/enqueued', 80);
    stats.set('scheduler/dequeued', 55);
    stats.set('log_count/ERROR', 2);
    const s = snapshot(stats, 0, { inFlight: 3, statuses: new Map([[404, 1], [200, 49]]) }, 10_000);
    expect(s).toMatchObject({ pages: 50, items: 40, queued: 25, inFlight: 3, errors: 2, elapsedSeconds: 10 });
    expect(formatProgress(s)).toBe('pages 50 (300/min) | items 40 | queue 25 | in flight 3 | errors 2 | 200:49 404:1 | 10s');
    expect(formatProgress({ ...s, elapsedSeconds: 75 })).toMatch(/1m15s$/);
    expect(formatProgress({ ...s, statuses: new Map() })).not.toMatch(/200:/);
  });

  it('clears the status line before a log line', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (c: Buffer) => (written += c.toString()));
    const line = new ProgressLine(stream, () => 'pages 1');
    line.draw();
    line.write('a log line');
    line.stop();
    expect(written).toBe('\r\x1b[2Kpages 1\r\x1b[2Ka log line\n');
  });

});

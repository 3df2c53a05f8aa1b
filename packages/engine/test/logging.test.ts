import { StopDownload } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { EventBus, MemoryStats, consoleLogger, countingLogger, crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

describe('consoleLogger', () => {
  it('writes "[botName] LEVEL: message" lines honouring the level, with fields and stacks', () => {
    const lines: string[] = [];
    const logger = consoleLogger({ botName: 'bot', level: 'info', write: (l) => void lines.push(l) });
    logger.debug('hidden');
    logger.info('hello', { url: 'http://x.test/' });
    logger.warn('careful');
    logger.error('failed', { error: new Error('boom') });
    expect(lines[0]).toBe('[bot] INFO: hello {"url":"http://x.test/"}\n');
    expect(lines[1]).toBe('[bot] WARNING: careful\n');
    expect(lines[2]).toMatch(/^\[bot\] ERROR: failed\nError: boom\n {4}at /);
    expect(lines).toHaveLength(3);
  });

  it('countingLogger counts log_count/<LEVEL> for lines at or above the level only', () => {
    const stats = new MemoryStats();
    const inner = memoryLogger();
    const logger = countingLogger(inner, stats, 'warn');
    logger.info('no');
    logger.warn('w');
    logger.error('e');
    logger.error('e2');
    expect(stats.all()).toEqual({ 'log_count/WARNING': 1, 'log_count/ERROR': 2 });
    expect(inner.lines.map((l) => l.message)).toEqual(['w', 'e', 'e2']);
  });
});

describe('EventBus', () => {
  it('emit is synchronous and rethrows a listener error (StopDownload relies on it)', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.on('bytesReceived', () => void calls.push('first'));
    bus.on('bytesReceived', () => {
      throw new StopDownload({ fail: false });
    });
    expect(() => bus.emit('bytesReceived', new Uint8Array(1), {} as never)).toThrow(StopDownload);
    expect(calls).toEqual(['first']);
  });

  it('once, off, listenerCount; a listener may unsubscribe while emitting', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.once('spiderIdle', () => void calls.push('once'));
    const off = bus.on('spiderIdle', () => {
      calls.push('self-removing');
      off();
    });
    bus.on('spiderIdle', () => void calls.push('stays'));
    expect(bus.listenerCount('spiderIdle')).toBe(3);
    bus.emit('spiderIdle');
    bus.emit('spiderIdle');
    expect(calls).toEqual(['once', 'self-removing', 'stays', 'stays']);
    expect(bus.listenerCount('spiderIdle')).toBe(1);
  });

  it('emitAsync awaits async listeners and rejects with the first error; emit reports async rejections', async () => {
    const reported: unknown[] = [];
    const bus = new EventBus((_e, error) => void reported.push(error));
    let done = false;
    bus.on('spiderClosed', async () => {
      await new Promise((r) => setTimeout(r, 5));
      done = true;
    });
    await bus.emitAsync('spiderClosed', 'finished');
    expect(done).toBe(true);
    bus.on('spiderClosed', async () => {
      throw new Error('async fail');
    });
    await expect(bus.emitAsync('spiderClosed', 'finished')).rejects.toThrow('async fail');
    bus.emit('spiderClosed', 'finished');
    await new Promise((r) => setTimeout(r, 20));
    expect(reported).toHaveLength(1);
  });
});

describe('MemoryStats', () => {
  it('inc with start, max, min, set, all sorted', () => {
    const s = new MemoryStats();
    s.inc('b');
    s.inc('b', 2);
    s.inc('a', 1, 10);
    s.max('m', 3);
    s.max('m', 1);
    s.min('n', 3);
    s.min('n', 1);
    s.set('z', 'text');
    expect(s.all()).toEqual({ a: 11, b: 3, m: 3, n: 1, z: 'text' });
    expect(Object.keys(s.all())).toEqual(['a', 'b', 'm', 'n', 'z']);
    expect(s.get('b')).toBe(3);
  });
});

describe('log stats', () => {
  it('logs "Crawled N pages (at X pages/min), scraped M items" periodically and stops at close', async () => {
    const logger = memoryLogger();
    await crawl(
      { name: 'ls', startUrls: ['http://l.test/1', 'http://l.test/2'], parse: () => ({ ok: 1 }) },
      { downloadHandlers: [fakeHandler(() => ({ delayMs: 150 }))], logger, settings: { logStatsInterval: 0.05 } },
    );
    const lines = logger.find('info', /^Crawled \d+ pages \(at \d+ pages\/min\), scraped \d+ items \(at \d+ items\/min\)$/);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]!.message).toBe('Crawled 0 pages (at 0 pages/min), scraped 0 items (at 0 items/min)');
    const count = lines.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(logger.find('info', /^Crawled /)).toHaveLength(count);
  });
});

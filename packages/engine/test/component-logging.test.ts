import { ConfigError, Request, type Plugin } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { Crawler, MemoryStats, adaptLogger, consoleLogger, countingLogger, crawl, ENGINE_COMPONENT } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

interface Plain {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A third-party logger with only the four level methods, using `this` as class-based ones do. */
class FourMethodLogger {
  readonly lines: Plain[] = [];
  #push(level: string, message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level, message, fields });
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.#push('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#push('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#push('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#push('error', message, fields);
  }
}

describe('consoleLogger children', () => {
  it('shows the component where the root shows botName; nested children join names with "/"', () => {
    const lines: string[] = [];
    const root = consoleLogger({ botName: 'bot', level: 'debug', write: (l) => void lines.push(l) });
    const retry = root.child('@crawl/middleware-retry');
    root.info('hello');
    retry.debug('Retrying <GET http://a.test/> (failed 1 times): 503', { url: 'http://a.test/' });
    retry.child('backoff').warn('slow');
    expect(lines).toEqual([
      '[bot] INFO: hello\n',
      '[@crawl/middleware-retry] DEBUG: Retrying <GET http://a.test/> (failed 1 times): 503 {"url":"http://a.test/"}\n',
      '[@crawl/middleware-retry/backoff] WARNING: slow\n',
    ]);
  });

  it('children keep the parent level threshold', () => {
    const lines: string[] = [];
    const child = consoleLogger({ botName: 'bot', level: 'warn', write: (l) => void lines.push(l) }).child('c');
    child.debug('no');
    child.info('no');
    child.warn('yes');
    child.child('d').info('no');
    child.child('d').error('yes too');
    expect(lines).toEqual(['[c] WARNING: yes\n', '[c/d] ERROR: yes too\n']);
  });

  it('prints a stats field as the indented stats table', () => {
    const lines: string[] = [];
    const logger = consoleLogger({ botName: 'bot', write: (l) => void lines.push(l) });
    logger.info('Dumping crawl stats:', { stats: { 'a/b': 1, start_time: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) } });
    logger.info('scalar stats stay JSON', { stats: 3 });
    expect(lines).toEqual(['[bot] INFO: Dumping crawl stats:\n  a/b: 1\n  start_time: 2026-01-02T03:04:05.000Z\n', '[bot] INFO: scalar stats stay JSON {"stats":3}\n']);
  });

  it('rejects an empty or non-string component with a ConfigError', () => {
    const logger = consoleLogger({ write: () => undefined });
    expect(() => logger.child('')).toThrow(ConfigError);
    expect(() => logger.child(42 as never)).toThrow(/non-empty component name.*got number/);
  });
});

describe('adaptLogger (a user logger without child)', () => {
  it('passes the component as a field, merged with the line fields; the root passes fields unchanged', () => {
    const user = new FourMethodLogger();
    const logger = adaptLogger(user);
    logger.info('root', { a: 1 });
    logger.child('x').warn('plain');
    logger.child('x').child('y').error('nested', { a: 2 });
    expect(user.lines).toEqual([
      { level: 'info', message: 'root', fields: { a: 1 } },
      { level: 'warn', message: 'plain', fields: { component: 'x' } },
      { level: 'error', message: 'nested', fields: { a: 2, component: 'x/y' } },
    ]);
  });

  it('returns a logger that has child() as it is, and rejects what is not a logger', () => {
    const full = memoryLogger();
    expect(adaptLogger(full)).toBe(full);
    expect(() => adaptLogger({ info: () => undefined } as never)).toThrow(ConfigError);
    expect(() => adaptLogger(null as never)).toThrow(/logger must be an object with debug, info, warn and error methods, got null/);
  });
});

describe('countingLogger children', () => {
  it('count every line once into the same log_count stats, with the same threshold', () => {
    const stats = new MemoryStats();
    const inner = memoryLogger();
    const root = countingLogger(inner, stats, 'info');
    const a = root.child('a');
    const ab = a.child('b');
    root.info('r');
    a.debug('dropped');
    a.info('a');
    ab.warn('ab');
    ab.error('ab2');
    expect(stats.all()).toEqual({ 'log_count/INFO': 2, 'log_count/WARNING': 1, 'log_count/ERROR': 1 });
    expect(inner.lines.map((l) => [l.component, l.message])).toEqual([
      [undefined, 'r'],
      ['a', 'a'],
      ['a/b', 'ab'],
      ['a/b', 'ab2'],
    ]);
  });

  it('adapts an inner logger without child', () => {
    const stats = new MemoryStats();
    const user = new FourMethodLogger();
    countingLogger(user, stats, 'debug').child('p').debug('d');
    expect(user.lines).toEqual([{ level: 'debug', message: 'd', fields: { component: 'p' } }]);
    expect(stats.get('log_count/DEBUG')).toBe(1);
  });
});

describe('component names in a crawl', () => {
  it("gives the engine's parts and each plugin's child their own component", async () => {
    const logger = memoryLogger();
    let pluginLog: ReturnType<typeof logger.child> | undefined;
    const plugin: Plugin = {
      name: 'my-org/ext',
      open(crawler) {
        pluginLog = crawler.logger.child(this.name);
        pluginLog.info('opened');
      },
    };
    const crawler = new Crawler(
      {
        name: 'components',
        allowedDomains: ['c.test'],
        startUrls: ['http://c.test/'],
        parse(response) {
          if (response.url === 'http://c.test/') return [new Request('http://elsewhere.test/'), new Request('http://c.test/boom')];
          throw new Error('callback failed');
        },
      },
      { downloadHandlers: [fakeHandler()], extensions: [plugin], logger, settings: { logLevel: 'debug', logStatsInterval: 60 } },
    );
    await crawler.crawl();
    const componentOf = (text: string | RegExp) => {
      const line = logger.lines.find((l) => (typeof text === 'string' ? l.message.startsWith(text) : text.test(l.message)));
      expect(line, String(text)).toBeDefined();
      return line!.component;
    };
    expect(componentOf('Spider opened')).toBe(ENGINE_COMPONENT);
    expect(componentOf('Crawled (200) <GET http://c.test/>')).toBe('@crawl/engine');
    expect(componentOf("Filtered offsite request to 'elsewhere.test'")).toBe('@crawl/engine/offsite');
    expect(componentOf('Spider error processing <GET http://c.test/boom>')).toBe('@crawl/engine/scraper');
    expect(componentOf(/^Crawled \d+ pages/)).toBe('@crawl/engine/log-stats');
    expect(componentOf('opened')).toBe('my-org/ext');
    expect(componentOf('Spider closed')).toBe('@crawl/engine');
    // Every line reached the logger once and was counted once (the live stats: the dump is logged after its snapshot).
    const stats = crawler.stats.all();
    for (const [level, label] of [['debug', 'DEBUG'], ['info', 'INFO'], ['error', 'ERROR']] as const) {
      expect(stats[`log_count/${label}`], label).toBe(logger.lines.filter((l) => l.level === level).length);
    }
  });

  it('a user logger without child gets the component as a field, and the stats dump as a stats object', async () => {
    const user = new FourMethodLogger();
    const crawler = new Crawler(
      { name: 'plain', startUrls: ['http://p.test/'], parse: () => ({ ok: 1 }) },
      { downloadHandlers: [fakeHandler()], logger: user, settings: { logStatsInterval: 0 } },
    );
    await crawler.crawl();
    const opened = user.lines.find((l) => l.message === 'Spider opened: plain');
    expect(opened?.fields).toEqual({ component: '@crawl/engine' });
    const dump = user.lines.find((l) => l.message === 'Dumping crawl stats:');
    expect(dump?.fields?.['component']).toBe('@crawl/engine');
    expect(dump?.fields?.['stats']).toMatchObject({ item_scraped_count: 1, response_received_count: 1 });
    expect(crawler.stats.get('log_count/INFO')).toBe(user.lines.filter((l) => l.level === 'info').length);
  });

  it('logLevel applies to the children of crawler.logger', async () => {
    const logger = memoryLogger();
    const { stats } = await crawl(
      { name: 'quiet', allowedDomains: ['q.test'], startUrls: ['http://q.test/', 'http://other.test/'], parse: () => undefined },
      { downloadHandlers: [fakeHandler()], logger, settings: { logLevel: 'warn', logStatsInterval: 60 } },
    );
    expect(logger.lines).toEqual([]);
    expect(Object.keys(stats).filter((k) => k.startsWith('log_count/'))).toEqual([]);
  });

  it('rejects a logger option that is not a logger', async () => {
    await expect(crawl({ name: 'bad', parse: () => undefined }, { logger: { info: () => undefined } as never })).rejects.toThrow(ConfigError);
  });
});

import { ConfigError, defineDownloaderMiddleware, type Logger } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { fakeCrawler, recordingLogger, testCrawler, type LogEntry } from '../src/index.js';

describe('recordingLogger', () => {
  it('records the component of child loggers (nested: parent/child) and none for the root', () => {
    const logs: LogEntry[] = [];
    const root = recordingLogger(logs);
    root.info('root');
    const child = root.child('@crawl/middleware-retry');
    child.debug('retrying', { url: 'http://a.test/' });
    child.child('backoff').warn('slow');
    expect(logs).toEqual([
      { level: 'info', message: 'root', fields: undefined },
      { level: 'debug', message: 'retrying', fields: { url: 'http://a.test/' }, component: '@crawl/middleware-retry' },
      { level: 'warn', message: 'slow', fields: undefined, component: '@crawl/middleware-retry/backoff' },
    ]);
    expect(() => root.child('')).toThrow(ConfigError);
  });
});

describe('fakeCrawler logs', () => {
  it('messages(level, component) picks one component', () => {
    const crawler = fakeCrawler();
    crawler.logger.warn('root warning');
    crawler.logger.child('my-org/a').warn('a warning');
    crawler.logger.child('my-org/b').warn('b warning');
    expect(crawler.messages('warn')).toEqual(['root warning', 'a warning', 'b warning']);
    expect(crawler.messages('warn', 'my-org/a')).toEqual(['a warning']);
  });
});

describe('testCrawler logs', () => {
  it("keeps a plugin's component and the engine's", async () => {
    let log: Logger | undefined;
    const mw = defineDownloaderMiddleware({
      name: 'my-org/tagger',
      order: 500,
      open(crawler) {
        log = crawler.logger.child('my-org/tagger');
      },
      processRequest(request) {
        log!.info(`tagging ${request.url}`);
      },
    });
    const { logs } = await testCrawler({ startUrls: ['http://t.test/'], routes: { 'http://t.test/': { body: 'ok' } }, downloaderMiddlewares: [mw] });
    expect(logs.find((l) => l.message === 'tagging http://t.test/')?.component).toBe('my-org/tagger');
    expect(logs.find((l) => l.message.startsWith('Spider opened'))?.component).toBe('@crawl/engine');
  });
});

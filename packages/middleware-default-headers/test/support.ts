import { loopbackLookup } from '@crawl/test-servers';
import { loopbackCrawlerWith } from '@crawl/testing';

export type { LogEntry as Logged } from '@crawl/testing';
/** A real Crawler over the undici handler; `a.test`/`b.test` resolve to the loopback servers. */
export const loopbackCrawler = loopbackCrawlerWith(loopbackLookup({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' }));

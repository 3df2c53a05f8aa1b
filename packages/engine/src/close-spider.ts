import type { Plugin } from '@crawl/core';

/**
 * Scrapy's CloseSpider extension: closes the crawl gracefully once closespiderItemcount items
 * were scraped, closespiderPagecount responses received, closespiderErrorcount spider errors
 * raised, or closespiderTimeout seconds elapsed. 0 disables each condition.
 */
export function closeSpider(): Plugin {
  const unsubscribe: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  return {
    name: '@crawl/engine/close-spider',
    open(crawler) {
      const { closespiderItemcount, closespiderPagecount, closespiderErrorcount, closespiderTimeout } = crawler.settings;
      const counter = (limit: number, reason: string): (() => void) => {
        let count = 0;
        return () => {
          if (++count === limit) void crawler.stop(reason);
        };
      };
      if (closespiderItemcount > 0) unsubscribe.push(crawler.events.on('itemScraped', counter(closespiderItemcount, 'closespider_itemcount')));
      if (closespiderPagecount > 0) unsubscribe.push(crawler.events.on('responseReceived', counter(closespiderPagecount, 'closespider_pagecount')));
      if (closespiderErrorcount > 0) unsubscribe.push(crawler.events.on('spiderError', counter(closespiderErrorcount, 'closespider_errorcount')));
      if (closespiderTimeout > 0) {
        timer = setTimeout(() => void crawler.stop('closespider_timeout'), closespiderTimeout * 1000);
        timer.unref();
      }
    },
    close() {
      for (const off of unsubscribe.splice(0)) off();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

import type { Plugin } from '@crawl/core';

/**
 * Scrapy's LogStats: every logStatsInterval seconds, "Crawled N pages (at X pages/min),
 * scraped M items (at Y items/min)". The timer is unref'd and cleared at close.
 */
export function logStats(): Plugin {
  const name = '@crawl/engine/log-stats';
  let timer: NodeJS.Timeout | undefined;
  return {
    name,
    open(crawler) {
      const interval = crawler.settings.logStatsInterval;
      if (!interval) return;
      const log = crawler.logger.child(name);
      const perMinute = 60 / interval;
      let lastPages = 0;
      let lastItems = 0;
      const tick = (): void => {
        const pages = crawler.stats.get('response_received_count') ?? 0;
        const items = crawler.stats.get('item_scraped_count') ?? 0;
        const pageRate = Math.round((pages - lastPages) * perMinute);
        const itemRate = Math.round((items - lastItems) * perMinute);
        lastPages = pages;
        lastItems = items;
        log.info(`Crawled ${pages} pages (at ${pageRate} pages/min), scraped ${items} items (at ${itemRate} items/min)`);
      };
      tick();
      timer = setInterval(tick, interval * 1000);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

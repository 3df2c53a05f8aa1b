import { NotConfigured, type Crawler, type DownloaderMiddleware, type Request } from '@crawl/core';
import { CrawlerRobots, ROBOTSTXT_COMPONENT, type RobotsConfig } from './crawler-robots.js';
import { ROBOTSTXT_DEFAULTS, validateRobotsTxtOptions, type RobotsTxtOptions } from './options.js';
import { registerRobots } from './registry.js';
import { productToken } from './user-agent.js';

export interface RobotsTxtMiddleware extends DownloaderMiddleware {
  readonly name: '@crawl/middleware-robotstxt';
  readonly defaultSettings: { readonly robotstxtObey: boolean; readonly robotstxtUserAgent: string };
  open(crawler: Crawler): void;
  close(crawler: Crawler): void;
  /** Resolves (or returns) when allowed; throws or rejects with IgnoreRequest("Forbidden by robots.txt"). */
  processRequest(request: Request<any>, crawler: Crawler): void | Promise<void>;
}

function configFor(crawler: Crawler, opts: RobotsTxtOptions): RobotsConfig {
  const settings = crawler.settings as Readonly<Record<string, unknown>>;
  const fromSetting = typeof settings['robotstxtUserAgent'] === 'string' && settings['robotstxtUserAgent'].trim() !== '' ? settings['robotstxtUserAgent'].trim() : undefined;
  // Scrapy falls back to USER_AGENT; @crawl/middleware-user-agent declares it as `userAgent`.
  const userAgentSetting = typeof settings['userAgent'] === 'string' ? productToken(settings['userAgent']) : undefined;
  return {
    userAgent: opts.userAgent?.trim() ?? fromSetting,
    defaultAgent: userAgentSetting ?? crawler.settings.botName,
    onServerError: opts.onServerError ?? ROBOTSTXT_DEFAULTS.onServerError,
    retryAfterErrorMs: (opts.retryAfterError ?? ROBOTSTXT_DEFAULTS.retryAfterError) * 1000,
    useCrawlDelay: opts.useCrawlDelay ?? ROBOTSTXT_DEFAULTS.useCrawlDelay,
    allowCrossHostSitemaps: opts.allowCrossHostSitemaps ?? ROBOTSTXT_DEFAULTS.allowCrossHostSitemaps,
    maxSize: ROBOTSTXT_DEFAULTS.maxSize,
  };
}

/**
 * Scrapy's RobotsTxtMiddleware on robots-parser, with RFC 9309's error handling: fetches each
 * origin's robots.txt once through the crawler and drops the requests it disallows.
 */
export function robotsTxt(options?: RobotsTxtOptions): RobotsTxtMiddleware {
  const opts = validateRobotsTxtOptions(options);
  const perCrawler = new WeakMap<Crawler, CrawlerRobots>();

  const stateOf = (crawler: Crawler): CrawlerRobots => {
    let state = perCrawler.get(crawler);
    if (state === undefined) {
      state = new CrawlerRobots(crawler, configFor(crawler, opts));
      perCrawler.set(crawler, state);
    }
    return state;
  };

  return {
    name: ROBOTSTXT_COMPONENT,
    order: opts.order ?? ROBOTSTXT_DEFAULTS.order,
    defaultSettings: { robotstxtObey: ROBOTSTXT_DEFAULTS.obey, robotstxtUserAgent: '' },

    open(crawler) {
      const obey = opts.obey ?? crawler.settings.robotstxtObey ?? ROBOTSTXT_DEFAULTS.obey;
      if (!obey) throw new NotConfigured('robots.txt is not obeyed (robotstxtObey is false)');
      const state = new CrawlerRobots(crawler, configFor(crawler, opts));
      perCrawler.set(crawler, state);
      registerRobots(crawler, state);
    },

    close(crawler) {
      perCrawler.delete(crawler);
      registerRobots(crawler, undefined);
    },

    processRequest(request, crawler) {
      if (request.meta.dontObeyRobotstxt === true) return;
      const scheme = request.scheme;
      if (scheme !== 'http' && scheme !== 'https') return;
      // RFC 9309 2.2.2: /robots.txt itself is always allowed.
      if (request.url.length === request.origin.length + 11 && request.url.endsWith('/robots.txt')) return;
      return stateOf(crawler).check(request);
    },
  };
}

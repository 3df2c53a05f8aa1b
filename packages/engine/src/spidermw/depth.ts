import { isRequest, type Crawler, type Response, type SpiderMiddleware } from '@crawl/core';
import { BUILTIN_SPIDER_MIDDLEWARE_ORDERS, type MiddlewareOrderOptions } from './orders.js';
import { componentLog } from './component-log.js';
import { boolSetting, intSetting, numberSetting } from './settings.js';

interface DepthConfig {
  limit: number;
  priority: number;
  verbose: boolean;
}

/**
 * Scrapy's DepthMiddleware: every request a callback yields is one level deeper than the
 * response it came from. Requests past depthLimit are dropped; depthPriority lowers (or,
 * negative, raises) priority with depth, which turns the crawl breadth-first (or depth-first).
 */
export function depthMiddleware(options: MiddlewareOrderOptions = {}): SpiderMiddleware {
  const configs = new WeakMap<Crawler, DepthConfig>();
  const configFor = (crawler: Crawler): DepthConfig => {
    let config = configs.get(crawler);
    if (config === undefined) {
      config = {
        limit: intSetting(crawler, 'depthLimit'),
        priority: numberSetting(crawler, 'depthPriority'),
        verbose: boolSetting(crawler, 'depthStatsVerbose'),
      };
      configs.set(crawler, config);
    }
    return config;
  };

  /** Scrapy's _init_depth: a response whose request has no depth is a start response, depth 0. */
  const responseDepth = (response: Response, crawler: Crawler, config: DepthConfig): number => {
    const meta = response.request?.meta;
    if (meta === undefined) return 0;
    const depth = meta.depth;
    if (depth === undefined) {
      meta.depth = 0;
      if (config.verbose) crawler.stats.inc('request_depth_count/0');
      return 0;
    }
    return typeof depth === 'number' && Number.isFinite(depth) ? depth : 0;
  };

  return {
    name: 'depth',
    order: options.order ?? BUILTIN_SPIDER_MIDDLEWARE_ORDERS.depth,

    open(crawler) {
      configs.delete(crawler);
      configFor(crawler);
    },

    // Scrapy initialises depth when the callback output is processed; doing it on input as
    // well covers callbacks that yield nothing, so depth 0 is still recorded for them.
    processSpiderInput(response, crawler) {
      responseDepth(response, crawler, configFor(crawler));
    },

    processSpiderOutput(result, response, crawler) {
      // Start requests (no response) pass untouched: their responses get depth 0.
      if (response === undefined || !isRequest(result)) return result;
      const config = configFor(crawler);
      const depth = responseDepth(response, crawler, config) + 1;
      const request = config.priority === 0 ? result : result.replace({ priority: result.priority - depth * config.priority });
      request.meta.depth = depth;
      if (config.limit > 0 && depth > config.limit) {
        componentLog(crawler, 'depth').debug(`Ignoring link (depth > ${config.limit}): ${request.url}`, { depth, url: request.url });
        return null;
      }
      if (config.verbose) crawler.stats.inc(`request_depth_count/${depth}`);
      crawler.stats.max('request_depth_max', depth);
      return request;
    },
  };
}

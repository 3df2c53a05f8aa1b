import { HttpError, type Crawler, type Response, type SpiderMiddleware } from '@crawl/core';
import { BUILTIN_SPIDER_MIDDLEWARE_ORDERS, type MiddlewareOrderOptions } from './orders.js';
import { componentLog } from './component-log.js';
import { boolSetting, isStatusList, statusListSetting } from './settings.js';

interface HttpErrorConfig {
  allowAll: boolean;
  allowedCodes: readonly number[];
}

/**
 * Scrapy's HttpErrorMiddleware: responses outside 200–299 do not reach the callback unless
 * the request, the spider or the settings say that status is handled. The HttpError goes to
 * the errback; if nothing handles it, processSpiderException counts and logs it and drops it.
 */
export function httpErrorMiddleware(options: MiddlewareOrderOptions = {}): SpiderMiddleware {
  const configs = new WeakMap<Crawler, HttpErrorConfig>();
  const configFor = (crawler: Crawler): HttpErrorConfig => {
    let config = configs.get(crawler);
    if (config === undefined) {
      config = {
        allowAll: boolSetting(crawler, 'httpErrorAllowAll'),
        allowedCodes: statusListSetting(crawler, 'httpErrorAllowedCodes'),
      };
      configs.set(crawler, config);
    }
    return config;
  };

  return {
    name: 'httpError',
    order: options.order ?? BUILTIN_SPIDER_MIDDLEWARE_ORDERS.httpError,

    open(crawler) {
      configs.delete(crawler);
      configFor(crawler);
    },

    processSpiderInput(response, crawler) {
      const status = response.status;
      if (status >= 200 && status < 300) return;
      const meta = response.request?.meta;
      if (meta?.handleHttpstatusAll === true) return;
      const config = configFor(crawler);
      let allowed: readonly number[];
      // Precedence as in Scrapy: the request's own list beats the allow-all setting,
      // which beats the spider attribute, which beats the allowed-codes setting.
      if (meta !== undefined && meta.handleHttpstatusList !== undefined) {
        allowed = listOrWarn(meta.handleHttpstatusList, 'request meta handleHttpstatusList', response, crawler);
      } else if (config.allowAll) {
        return;
      } else {
        const spiderList = (crawler.spider as { handleHttpstatusList?: unknown }).handleHttpstatusList;
        allowed = spiderList === undefined ? config.allowedCodes : listOrWarn(spiderList, 'spider handleHttpstatusList', response, crawler);
      }
      if (allowed.includes(status)) return;
      throw new HttpError(response, `Ignoring non-200 response (${status}) from ${response.url}`);
    },

    processSpiderException(response, error, crawler) {
      if (!(error instanceof HttpError)) return undefined;
      crawler.stats.inc('httperror/response_ignored_count');
      crawler.stats.inc(`httperror/response_ignored_status_count/${response.status}`);
      componentLog(crawler, 'http-error').info(`Ignoring response ${String(response)}: HTTP status code is not handled or not allowed`, {
        status: response.status,
        url: response.url,
      });
      return [];
    },
  };
}

function listOrWarn(value: unknown, source: string, response: Response, crawler: Crawler): readonly number[] {
  if (isStatusList(value)) return value;
  componentLog(crawler, 'http-error').warn(`Ignoring ${source}: expected an array of status codes, got ${JSON.stringify(value)} (${response.url})`);
  return [];
}

import { ConfigError, isRequest, NotConfigured, type Crawler, type Request, type Response, type SpiderMiddleware } from '@crawl/core';
import { BUILTIN_SPIDER_MIDDLEWARE_ORDERS, type MiddlewareOrderOptions } from './orders.js';
import { isReferrerPolicyName, parseReferrerPolicy, REFERRER_POLICY_NAMES, referrerFor, type ReferrerPolicyName } from '@crawl/core';
import { componentLog } from './component-log.js';
import { boolSetting, spiderSetting } from './settings.js';

/**
 * Scrapy's RefererMiddleware: requests yielded by a callback get a Referer header derived
 * from the response URL under the referrer policy chosen by, in order, request
 * meta.referrerPolicy, the response's Referrer-Policy header, then the referrerPolicy
 * setting. A value that names no known policy is ignored (logged at debug) and the next
 * source is used. An existing Referer header is left alone.
 */
export function refererMiddleware(options: MiddlewareOrderOptions = {}): SpiderMiddleware {
  const defaults = new WeakMap<Crawler, ReferrerPolicyName>();
  // Callbacks yield many requests per response: parse its header (and log about it) once.
  const headerPolicies = new WeakMap<Response, ReferrerPolicyName | null>();

  const defaultPolicy = (crawler: Crawler): ReferrerPolicyName => {
    let policy = defaults.get(crawler);
    if (policy === undefined) {
      const value = spiderSetting(crawler, 'referrerPolicy');
      const parsed = typeof value === 'string' ? parseReferrerPolicy(value) : undefined;
      if (parsed === undefined) {
        throw new ConfigError(
          `Setting referrerPolicy: unknown referrer policy ${JSON.stringify(value)}; expected one of ${REFERRER_POLICY_NAMES.join(', ')}`,
        );
      }
      policy = parsed;
      defaults.set(crawler, policy);
    }
    return policy;
  };

  const headerPolicy = (response: Response, crawler: Crawler): ReferrerPolicyName | undefined => {
    const cached = headerPolicies.get(response);
    if (cached !== undefined) return cached ?? undefined;
    const header = response.headers.get('referrer-policy');
    let policy: ReferrerPolicyName | undefined;
    if (header !== undefined) {
      policy = parseReferrerPolicy(header);
      if (policy === undefined) {
        componentLog(crawler, 'referer').debug(`Ignoring unknown Referrer-Policy header ${JSON.stringify(header)} from ${response.url}`, {
          url: response.url,
        });
      }
    }
    headerPolicies.set(response, policy ?? null);
    return policy;
  };

  const metaPolicy = (request: Request<any>, crawler: Crawler): ReferrerPolicyName | undefined => {
    const value: unknown = request.meta.referrerPolicy;
    if (value === undefined || value === null) return undefined;
    if (isReferrerPolicyName(value)) return value;
    const policy = typeof value === 'string' ? parseReferrerPolicy(value) : undefined;
    if (policy === undefined) {
      componentLog(crawler, 'referer').debug(`Ignoring unknown referrerPolicy ${JSON.stringify(value)} in request meta (${request.url})`, {
        url: request.url,
      });
    }
    return policy;
  };

  return {
    name: 'referer',
    order: options.order ?? BUILTIN_SPIDER_MIDDLEWARE_ORDERS.referer,

    open(crawler) {
      if (!boolSetting(crawler, 'refererEnabled')) throw new NotConfigured('referer middleware disabled: refererEnabled is false');
      defaults.delete(crawler);
      defaultPolicy(crawler);
    },

    processSpiderOutput(result, response, crawler) {
      // Start requests have no parent page. Redirect hops are the redirect middleware's job.
      if (response === undefined || !isRequest(result)) return result;
      const policy = metaPolicy(result, crawler) ?? headerPolicy(response, crawler) ?? defaultPolicy(crawler);
      const referrer = referrerFor(policy, response.url, result.url);
      if (referrer !== undefined) result.headers.setDefault('Referer', referrer);
      return result;
    },
  };
}

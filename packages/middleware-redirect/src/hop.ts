import { IgnoreRequest, isReferrerPolicyName, parseReferrerPolicy, referrerFor, type Crawler, type Request } from '@crawl/core';
import type { HopConfig } from './options.js';
import { buildRedirectRequest } from './redirect-request.js';

/** Why a hop happened, as recorded in meta.redirectReasons: the status code, or 'meta refresh'. */
export type RedirectReason = number | 'meta refresh';

interface History {
  readonly times: number;
  readonly urls: readonly string[];
  readonly reasons: readonly RedirectReason[];
}

const FRESH: History = { times: 0, urls: [], reasons: [] };

function historyOf(request: Request<any>): History {
  const times = request.internal.redirectTimes;
  // No counter means a fresh request: redirectUrls copied into its meta from an earlier response
  // describe another chain, so the history starts again, as the budget does.
  if (typeof times !== 'number' || times <= 0) return FRESH;
  const { redirectUrls, redirectReasons } = request.meta;
  return { times, urls: Array.isArray(redirectUrls) ? redirectUrls : [], reasons: Array.isArray(redirectReasons) ? redirectReasons : [] };
}

/** The shortest cycle when a chain comes back to a URL it visited: "a -> b -> a". */
function loopOf(urls: readonly string[], next: string): string | undefined {
  const last = urls.lastIndexOf(next);
  return last < 0 ? undefined : [...urls.slice(last), next].join(' -> ');
}

/**
 * Scrapy's BaseRedirectMiddleware._redirect: counts the hop against the budget, builds the next
 * request (see buildRedirectRequest for what it keeps), records the hop in meta (redirectUrls,
 * redirectReasons, redirectTimes) and raises the priority. Past the budget the request ends
 * with IgnoreRequest naming the URL, and the loop when the chain is one.
 */
export function followRedirect(
  source: Request<any>,
  target: URL,
  toGet: boolean,
  reason: RedirectReason,
  config: HopConfig,
  crawler: Crawler,
): Request<any> {
  const history = historyOf(source);
  const times = history.times + 1;
  const urls = [...history.urls, source.url];
  if (times > config.maxTimes) {
    const loop = loopOf(urls, target.href);
    throw new IgnoreRequest(
      `Discarding ${String(source)}: max redirections reached (${config.maxTimes})${loop === undefined ? '' : `; redirect loop: ${loop}`}`,
    );
  }
  const hop = buildRedirectRequest(source, target, toGet, source.priority + config.priorityAdjust);
  hop.internal.redirectTimes = times;
  hop.meta.redirectTimes = times;
  hop.meta.redirectUrls = urls;
  hop.meta.redirectReasons = [...history.reasons, reason];
  patchReferer(hop, crawler);
  config.log.debug(`Redirecting (${reason}) to ${String(hop)} from ${String(source)}`, { url: hop.url, from: source.url, reason });
  return hop;
}

/**
 * Scrapy's RefererMiddleware.request_scheduled: the Referer a spider's request carried is re-judged
 * for the new URL under the request's policy (meta.referrerPolicy, else the referrerPolicy setting),
 * so an https page's URL never leaks to an http redirect target under the default policy. The old
 * Referer value stands for the page that linked here; a missing one is not invented.
 */
function patchReferer(hop: Request<any>, crawler: Crawler): void {
  const current = hop.headers.get('Referer');
  if (current === undefined) return;
  const fromMeta = typeof hop.meta.referrerPolicy === 'string' ? parseReferrerPolicy(hop.meta.referrerPolicy) : undefined;
  const fromSettings = (crawler.settings as unknown as { referrerPolicy?: unknown }).referrerPolicy;
  const policy = fromMeta ?? (isReferrerPolicyName(fromSettings) ? fromSettings : 'scrapy-default');
  let referrer: string | undefined;
  try {
    referrer = referrerFor(policy, current, hop.url);
  } catch {
    referrer = undefined;
  }
  if (referrer === undefined) hop.headers.delete('Referer');
  else if (referrer !== current) hop.headers.set('Referer', referrer);
}

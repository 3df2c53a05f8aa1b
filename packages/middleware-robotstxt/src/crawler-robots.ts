import { errorLabel, IgnoreRequest, Request, type Crawler, type Logger, type Response } from '@crawl/core';
import { parseRobotsTxt, type RobotsRules } from './parse.js';
import { acceptedSitemaps } from './sitemaps.js';
import { productToken } from './user-agent.js';

/** Scrapy's RobotsTxtMiddleware.DOWNLOAD_PRIORITY: robots.txt goes ahead of the pages waiting for it. */
export const ROBOTSTXT_PRIORITY = 1000;

/** The middleware's name, and the component its log lines carry. */
export const ROBOTSTXT_COMPONENT = '@crawl/middleware-robotstxt';

/** The resolved settings of one middleware in one crawler. */
export interface RobotsConfig {
  /** Fixed token from the option or the robotstxtUserAgent setting, else undefined. */
  readonly userAgent: string | undefined;
  /** Fallback when the request has no User-Agent header: the userAgent setting's token or botName. */
  readonly defaultAgent: string;
  readonly onServerError: 'disallow' | 'allow';
  readonly retryAfterErrorMs: number;
  readonly useCrawlDelay: boolean;
  readonly allowCrossHostSitemaps: boolean;
  readonly maxSize: number;
}

type Settled =
  | { readonly kind: 'rules'; readonly rules: RobotsRules; readonly sitemaps: readonly string[] }
  | { readonly kind: 'allowAll' }
  | { readonly kind: 'unreachable'; readonly until: number; readonly reason: string };

type Entry = Settled | { readonly kind: 'pending'; readonly settled: Promise<Settled> };

const NO_SITEMAPS: readonly string[] = Object.freeze([]);
const ALLOW_ALL: Settled = Object.freeze({ kind: 'allowAll' });

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One crawler's robots.txt state: one entry per origin (scheme + host + port). The first request
 * to an origin starts the fetch; requests arriving meanwhile wait on the same promise; once
 * settled, checks are synchronous (no await on the hot path).
 */
export class CrawlerRobots {
  readonly #crawler: Crawler;
  readonly #log: Logger;
  readonly #config: RobotsConfig;
  readonly #entries = new Map<string, Entry>();
  #lastHeader: string | undefined;
  #lastToken = '';

  constructor(crawler: Crawler, config: RobotsConfig) {
    this.#crawler = crawler;
    this.#log = crawler.logger.child(ROBOTSTXT_COMPONENT);
    this.#config = config;
  }

  /** Throws (or rejects with) IgnoreRequest when robots.txt forbids the request. */
  check(request: Request<any>): void | Promise<void> {
    const origin = request.origin;
    const entry = this.#entries.get(origin);
    if (entry !== undefined) {
      if (entry.kind === 'pending') return entry.settled.then((settled) => this.#decide(settled, request));
      if (entry.kind !== 'unreachable' || Date.now() < entry.until) return this.#decide(entry, request);
    }
    return this.#fetch(origin).then((settled) => this.#decide(settled, request));
  }

  /** The accepted Sitemap URLs of an origin's robots.txt, fetching it first if needed. */
  async sitemaps(origin: string): Promise<readonly string[]> {
    let entry = this.#entries.get(origin);
    if (entry === undefined || (entry.kind === 'unreachable' && Date.now() >= entry.until)) entry = await this.#fetch(origin);
    else if (entry.kind === 'pending') entry = await entry.settled;
    return entry.kind === 'rules' ? entry.sitemaps : NO_SITEMAPS;
  }

  #decide(entry: Settled, request: Request<any>): void {
    if (entry.kind === 'allowAll') return;
    if (entry.kind === 'unreachable') {
      if (this.#config.onServerError === 'allow') return;
      this.#forbid(request, `Forbidden by robots.txt (unreachable: ${entry.reason})`);
    }
    const agent = this.#agent(request);
    if (entry.rules.isAllowed(request.url, agent) === false) this.#forbid(request, 'Forbidden by robots.txt');
    if (this.#config.useCrawlDelay) {
      const delay = entry.rules.getCrawlDelay(agent);
      if (delay !== undefined && Number.isFinite(delay) && delay > 0) {
        const slot = this.#crawler.downloader.slot(request);
        if (slot.delay < delay) slot.delay = delay;
      }
    }
  }

  #forbid(request: Request<any>, reason: string): never {
    this.#crawler.stats.inc('robotstxt/forbidden');
    this.#log.debug(`${reason}: ${String(request)}`);
    throw new IgnoreRequest(reason);
  }

  /** The token matched against User-agent lines; the header's token is cached since it rarely changes. */
  #agent(request: Request<any>): string {
    const fixed = this.#config.userAgent;
    if (fixed !== undefined) return fixed;
    const header = request.headers.getFirst('user-agent');
    if (header === undefined) return this.#config.defaultAgent;
    if (header !== this.#lastHeader) {
      this.#lastHeader = header;
      this.#lastToken = productToken(header) ?? this.#config.defaultAgent;
    }
    return this.#lastToken;
  }

  #fetch(origin: string): Promise<Settled> {
    const crawler = this.#crawler;
    const robotsUrl = `${origin}/robots.txt`;
    const request = new Request(robotsUrl, { meta: { dontObeyRobotstxt: true }, priority: ROBOTSTXT_PRIORITY });
    crawler.stats.inc('robotstxt/request_count');
    const settled = crawler.download(request).then(
      (response) => this.#fromResponse(origin, robotsUrl, response),
      (error: unknown) => this.#fromError(origin, request, error),
    );
    this.#entries.set(origin, { kind: 'pending', settled });
    return settled.then((entry) => {
      // Guard against a newer fetch for the same origin having replaced this one.
      const current = this.#entries.get(origin);
      if (current?.kind === 'pending' && current.settled === settled) this.#entries.set(origin, entry);
      return entry;
    });
  }

  #fromResponse(origin: string, robotsUrl: string, response: Response): Settled {
    const { stats } = this.#crawler;
    const logger = this.#log;
    const status = response.status;
    stats.inc('robotstxt/response_count');
    stats.inc(`robotstxt/response_status_count/${status}`);
    if (status >= 200 && status < 300) {
      try {
        const { rules, truncated } = parseRobotsTxt(robotsUrl, response.body, this.#config.maxSize);
        if (truncated) logger.warn(`${robotsUrl} is larger than ${this.#config.maxSize} bytes; the rest is ignored (RFC 9309)`);
        return { kind: 'rules', rules, sitemaps: this.#sitemapsOf(origin, robotsUrl, rules) };
      } catch (error) {
        logger.error(`Error parsing ${robotsUrl}: ${message(error)}; allowing everything on ${origin}`, { error });
        return ALLOW_ALL;
      }
    }
    if (status === 429 || status >= 500) return this.#unreachable(origin, `HTTP ${status}`);
    if (status >= 300 && status < 400) {
      logger.debug(`${robotsUrl} answered ${status} and was not followed (is a redirect middleware installed?); treating it as unavailable: everything is allowed`);
    }
    // RFC 9309 2.3.1.3: "unavailable" (4xx) means no restrictions.
    return ALLOW_ALL;
  }

  #fromError(origin: string, request: Request<any>, error: unknown): Settled {
    // Another middleware refused the robots.txt request itself: Scrapy then allows everything.
    if (error instanceof IgnoreRequest) return ALLOW_ALL;
    this.#crawler.stats.inc(`robotstxt/exception_count/${errorLabel(error)}`);
    this.#log.error(`Error downloading ${String(request)}: ${message(error)}`, { error });
    return this.#unreachable(origin, message(error));
  }

  #unreachable(origin: string, reason: string): Settled {
    const { onServerError, retryAfterErrorMs } = this.#config;
    this.#log.warn(
      `${origin}/robots.txt is unreachable (${reason}): ${onServerError === 'disallow' ? 'every request to that origin is forbidden (RFC 9309)' : 'everything is allowed'} until it is fetched again in ${retryAfterErrorMs / 1000} s`,
    );
    return { kind: 'unreachable', until: Date.now() + retryAfterErrorMs, reason };
  }

  #sitemapsOf(origin: string, robotsUrl: string, rules: RobotsRules): readonly string[] {
    const { events } = this.#crawler;
    const logger = this.#log;
    const listed = rules.getSitemaps();
    if (listed.length === 0) return NO_SITEMAPS;
    const sitemaps = acceptedSitemaps(listed, robotsUrl, this.#config.allowCrossHostSitemaps, (sitemap, why) =>
      logger.warn(`Ignoring Sitemap ${JSON.stringify(sitemap)} listed in ${robotsUrl}: ${why}`),
    );
    if (sitemaps.length === 0) return NO_SITEMAPS;
    try {
      if (events.listenerCount('robotsTxtSitemaps') > 0) events.emit('robotsTxtSitemaps', sitemaps, origin);
    } catch (error) {
      logger.error(`A robotsTxtSitemaps listener failed for ${robotsUrl}: ${message(error)}`, { error });
    }
    return Object.freeze(sitemaps);
  }
}

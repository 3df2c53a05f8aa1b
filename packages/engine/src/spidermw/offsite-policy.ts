import { hostMatchesDomain, type Crawler, type Request } from '@crawl/core';
import { componentLog } from './component-log.js';

/**
 * What the offsite spider and downloader middlewares share for one crawl: the usable
 * allowedDomains entries and the hosts already reported, so that a host filtered by both
 * is counted once in 'offsite/domains'.
 */
interface OffsiteState {
  /** undefined = no allowedDomains: everything is allowed. */
  readonly domains: readonly string[] | undefined;
  readonly seen: Set<string>;
}

const states = new WeakMap<Crawler, OffsiteState>();
const URL_ENTRY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const PORT_SUFFIX = /:\d+$/;

export function offsiteState(crawler: Crawler): OffsiteState {
  let state = states.get(crawler);
  if (state === undefined) {
    state = { domains: usableDomains(crawler), seen: new Set() };
    states.set(crawler, state);
  }
  return state;
}

function usableDomains(crawler: Crawler): readonly string[] | undefined {
  const entries: unknown = crawler.spider.allowedDomains;
  if (entries === undefined || entries === null) return undefined;
  if (!Array.isArray(entries)) {
    componentLog(crawler, 'offsite').warn(`allowedDomains must be an array of domain names, got ${typeof entries}; ignoring it`);
    return undefined;
  }
  if (entries.length === 0) return undefined;
  const domains: string[] = [];
  for (const entry of entries as unknown[]) {
    if (entry === null || entry === undefined) continue;
    if (typeof entry !== 'string' || entry.trim() === '') {
      componentLog(crawler, 'offsite').warn(`allowedDomains accepts only domain names. Ignoring entry ${JSON.stringify(entry)} in allowedDomains.`);
    } else if (URL_ENTRY.test(entry)) {
      componentLog(crawler, 'offsite').warn(`allowedDomains accepts only domains, not URLs. Ignoring URL entry ${entry} in allowedDomains.`);
    } else if (isIpv6Literal(entry)) {
      domains.push(entry.replace(/^\[|\]$/g, '').toLowerCase());
    } else if (PORT_SUFFIX.test(entry)) {
      componentLog(crawler, 'offsite').warn(`allowedDomains accepts only domains without ports. Ignoring entry ${entry} in allowedDomains.`);
    } else {
      domains.push(entry.trim().toLowerCase());
    }
  }
  if (domains.length === 0) {
    // Scrapy builds an empty alternation here, which matches no host: keep that, but say so.
    componentLog(crawler, 'offsite').warn('allowedDomains has no usable entry: every request not marked dontFilter or allowOffsite will be filtered as offsite');
  }
  return domains;
}

/** '::1' and '[::1]' (a bracketed literal with a port, '[::1]:8080', is still a port entry). */
function isIpv6Literal(entry: string): boolean {
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  return bare.includes(':') && bare.indexOf(':') !== bare.lastIndexOf(':') && /^[0-9A-Fa-f:.]+$/.test(bare);
}

/** The request's hostname, lower-case and without IPv6 brackets; '' when it has none. */
export function hostOf(request: Request<any>): string {
  const known = (request as { hostname?: unknown }).hostname;
  if (typeof known === 'string') return known;
  try {
    const h = new URL(request.url).hostname;
    return h.startsWith('[') ? h.slice(1, -1) : h;
  } catch {
    return '';
  }
}

/**
 * Newest Scrapy semantics (downloadermiddlewares/offsite.py): dontFilter or meta.allowOffsite
 * lets a request through; otherwise its host must be an allowed domain or a subdomain of one.
 */
export function isAllowed(state: OffsiteState, request: Request<any>): boolean {
  if (state.domains === undefined || request.dontFilter || request.meta.allowOffsite === true) return true;
  const host = hostOf(request);
  if (host === '') return false;
  for (const domain of state.domains) if (hostMatchesDomain(host, domain)) return true;
  return false;
}

/** Stats and the once-per-host debug line for a filtered request; returns its host. */
export function recordFiltered(state: OffsiteState, request: Request<any>, crawler: Crawler): string {
  const host = hostOf(request);
  if (host !== '' && !state.seen.has(host)) {
    state.seen.add(host);
    componentLog(crawler, 'offsite').debug(`Filtered offsite request to '${host}': ${String(request)}`, { host, url: request.url });
    crawler.stats.inc('offsite/domains');
  }
  crawler.stats.inc('offsite/filtered');
  return host;
}

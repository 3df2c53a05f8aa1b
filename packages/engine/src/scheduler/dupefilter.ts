import type { Logger, Request, Stats } from '@crawl/core';

/** Decides whether a request was seen before (Scrapy's RFPDupeFilter role). */
export interface DupeFilter {
  /** True when a request with the same fingerprint was seen; records it otherwise. */
  requestSeen(request: Request<any>): boolean;
  /** Counts and logs a filtered request (dupefilter/filtered). */
  log(request: Request<any>): void;
  /** Fingerprints seen so far (for persistence). */
  readonly size: number;
}

export interface FingerprintDupeFilterOptions {
  fingerprint: (request: Request<any>) => string;
  stats: Stats;
  logger: Logger;
  /** Log every duplicate instead of only the first (dupefilterDebug). */
  debug?: boolean;
  /** Fingerprints already seen, e.g. loaded from a job directory. */
  seen?: Iterable<string>;
}

/** A Set of request fingerprints, in memory. */
export function fingerprintDupeFilter(options: FingerprintDupeFilterOptions): DupeFilter & { readonly fingerprints: ReadonlySet<string> } {
  const seen = new Set<string>(options.seen);
  const { fingerprint, stats, logger } = options;
  const debug = options.debug ?? false;
  return {
    get size() {
      return seen.size;
    },
    get fingerprints() {
      return seen;
    },
    requestSeen(request) {
      const fp = fingerprint(request);
      if (seen.has(fp)) return true;
      seen.add(fp);
      return false;
    },
    log: duplicateLogger(stats, logger, debug),
  };
}

/** Counts a filtered request and logs the first one (every one with `debug`), as Scrapy's RFPDupeFilter.log. */
export function duplicateLogger(stats: Stats, logger: Logger, debug: boolean): (request: Request<any>) => void {
  let logged = false;
  return (request) => {
    stats.inc('dupefilter/filtered');
    if (debug) {
      logger.debug(`Filtered duplicate request: ${String(request)}`);
    } else if (!logged) {
      logged = true;
      logger.debug(`Filtered duplicate request: ${String(request)} - no more duplicates will be shown (see dupefilterDebug to show all duplicates)`);
    }
  };
}

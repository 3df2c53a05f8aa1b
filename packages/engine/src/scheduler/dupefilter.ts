import type { Logger, Request, Stats } from '@crawl/core';
import { FingerprintSet } from './fingerprint-set.js';

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

/**
 * The request fingerprints seen, in memory: core's 40-hex SHA-1 fingerprints packed as 20 bytes
 * (about 30 bytes each with the index, instead of about 77 as strings in a Set), any other
 * fingerprint as its string. `fingerprints` is a live, read-only Set view of them (as hex strings).
 */
export function fingerprintDupeFilter(options: FingerprintDupeFilterOptions): DupeFilter & { readonly fingerprints: ReadonlySet<string> } {
  const seen = new FingerprintSet(options.seen);
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
      return !seen.insert(fingerprint(request));
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

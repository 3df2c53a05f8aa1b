/** The Redis keys of one crawl (one spider name under one prefix). */
export interface CrawlKeys {
  /** ZSET request id → score (priority, then sequence). */
  readonly queue: string;
  /** HASH request id → request JSON, for queued and leased requests. */
  readonly requests: string;
  /** HASH request id → "<worker id> <score>" for leased requests. */
  readonly leases: string;
  /** ZSET request id → lease expiry (ms, Redis server clock). */
  readonly expiries: string;
  /** Counter giving each request its id and sequence number. */
  readonly seq: string;
  /** SET of 20-byte binary request fingerprints. */
  readonly dupefilter: string;
  /** HASH of stats shared by every worker. */
  readonly stats: string;
  /** LIST of entries refused when loaded (tampered or from an incompatible version), newest first. */
  readonly rejected: string;
  /** LIST of start URLs pushed by users. */
  readonly startUrls: string;
}

export function crawlKeys(prefix: string, spiderName: string, startUrlsKey: string | undefined): CrawlKeys {
  const base = `${prefix}:${spiderName}`;
  return {
    queue: `${base}:queue`,
    requests: `${base}:requests`,
    leases: `${base}:leases`,
    expiries: `${base}:lease-expiries`,
    seq: `${base}:seq`,
    dupefilter: `${base}:dupefilter`,
    stats: `${base}:stats`,
    rejected: `${base}:rejected`,
    startUrls: startUrlsKey ?? `${base}:start_urls`,
  };
}

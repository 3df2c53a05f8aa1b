import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger, Spider, StatValue } from '@crawl/core';
import { consoleLogger, Crawler, type CrawlerOptions, type CrawlResult } from '@crawl/engine';
import type { ParsedCrawlFlags } from './crawl-options.js';
import { jsonLogger } from './json-logger.js';
import { logSink, type CliIO } from './output.js';
import { formatProgress, ProgressLine, snapshot } from './progress.js';

/**
 * Runs one crawl the CLI way: the given plugins, setting overrides from flags, a live progress
 * line on a TTY, text or JSON logs, SIGINT handling, and an optional stats JSON file.
 */
export async function runCrawl(spider: Spider<any>, plugins: CrawlerOptions, flags: ParsedCrawlFlags, io: CliIO): Promise<CrawlResult> {
  let progress: ProgressLine | undefined;
  const sink = logSink(io, undefined);
  const write = (line: string) => (progress ? progress.write(line) : sink(line));

  // The logger needs the resolved botName, and resolving settings needs the crawler: forward
  // to a logger made right after. The crawler filters by logLevel before calling it.
  let inner: Logger | undefined;
  const logger = forwardingLogger(() => inner);
  const crawler = new Crawler(spider, {
    ...plugins,
    settings: plugins.settings ?? {},
    overrides: { ...plugins.overrides, ...flags.overrides },
    handleSignals: true,
    logger,
  });
  const { botName } = crawler.settings;
  inner = flags.logFormat === 'json' ? jsonLogger(botName, write) : consoleLogger({ botName, level: 'debug', write });

  const statuses = new Map<number, number>();
  crawler.events.on('responseReceived', (response) => void statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1));
  const startedAt = Date.now();
  // JSON lines stay machine-readable even on a terminal: no status line is drawn into them; the
  // engine's periodic "Crawled N pages" lines and the stats dump arrive as JSON records instead.
  if (flags.progress && io.stderr.isTTY === true && flags.logFormat === 'text') {
    const inFlight = () => {
      try {
        return crawler.downloader.active;
      } catch {
        return 0;
      }
    };
    progress = new ProgressLine(io.stderr, () => formatProgress(snapshot(crawler.stats, startedAt, { inFlight: inFlight(), statuses })));
    progress.start();
  }
  let result: CrawlResult;
  try {
    // The engine logs the stats dump and the close reason at info level.
    result = await crawler.crawl();
  } finally {
    progress?.stop();
  }
  if (flags.statsJson) writeStatsJson(flags.statsJson, result.stats);
  return result;
}

/** Forwards to the logger `target()` returns once it exists; a child attaches to its child then, once. */
function forwardingLogger(target: () => Logger | undefined): Logger {
  return {
    debug: (m, f) => target()?.debug(m, f),
    info: (m, f) => target()?.info(m, f),
    warn: (m, f) => target()?.warn(m, f),
    error: (m, f) => target()?.error(m, f),
    child: (component) => {
      let made: Logger | undefined;
      return forwardingLogger(() => (made ??= target()?.child(component)));
    },
  };
}

function writeStatsJson(path: string, stats: Record<string, StatValue>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(stats, null, 2)}\n`);
}

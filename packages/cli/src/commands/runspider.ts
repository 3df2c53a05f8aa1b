import { parseArgs } from 'node:util';
import type { CrawlSettings, Logger } from '@crawl/core';
import { consoleLogger, Crawler, parseFeedUri, type FeedsSetting } from '@crawl/engine';
import { parseKeyValues, parseSpiderArgs } from '../args.js';
import { defaultPlugins } from '../defaults.js';
import { loadSpider } from '../load-spider.js';
import { logSink, type CliIO } from '../output.js';
import { formatProgress, ProgressLine, snapshot } from '../progress.js';

export const RUNSPIDER_USAGE = `Usage: crawl runspider <spider.ts|.js> [options]

Run the spider defined in a file (TypeScript runs without a build step).

Options:
  -o, --output FILE[:FORMAT]           append items to FILE (jsonl, json, csv; format from the extension or :FORMAT)
  -O, --overwrite-output FILE[:FORMAT] like -o, but overwrite FILE
  -s, --set KEY=VALUE                  set a setting (VALUE parsed as JSON when it is JSON), repeatable
  -a NAME=VALUE                        set a spider argument (a string property on the spider), repeatable
      --spider NAME                    pick a spider when the file exports several
  -L, --loglevel LEVEL                 debug | info | warn | error | silent (default info)
      --nolog                          same as --loglevel silent
      --no-progress                    no live progress line on a TTY
  -h, --help                           show this help
`;

export async function runspider(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', multiple: true },
      'overwrite-output': { type: 'string', short: 'O', multiple: true },
      set: { type: 'string', short: 's', multiple: true },
      a: { type: 'string', short: 'a', multiple: true },
      spider: { type: 'string' },
      loglevel: { type: 'string', short: 'L' },
      nolog: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(RUNSPIDER_USAGE);
    return 0;
  }
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) {
    io.stderr.write(`crawl runspider: expected exactly one spider file\n\n${RUNSPIDER_USAGE}`);
    return 2;
  }

  const overrides = parseKeyValues(values.set ?? [], '-s') as Partial<CrawlSettings>;
  if (values.loglevel !== undefined) overrides.logLevel = values.loglevel as CrawlSettings['logLevel'];
  if (values.nolog) overrides.logLevel = 'silent';
  const feeds: FeedsSetting = {};
  for (const arg of values.output ?? []) {
    const [path, options] = parseFeedUri(arg, false);
    feeds[path] = options;
  }
  for (const arg of values['overwrite-output'] ?? []) {
    const [path, options] = parseFeedUri(arg, true);
    feeds[path] = options;
  }
  if (Object.keys(feeds).length > 0) (overrides as Record<string, unknown>)['feeds'] = feeds;

  const spider = await loadSpider(file, { name: values.spider, args: parseSpiderArgs(values.a ?? []) });
  const showProgress = io.stderr.isTTY === true && !values['no-progress'];
  let progress: ProgressLine | undefined;
  const sink = (line: string) => logSink(io, progress)(line);

  // The logger needs the resolved botName, and resolving settings needs the crawler: forward
  // to a console logger made right after. The crawler filters by logLevel before calling it.
  let inner: Logger | undefined;
  const logger: Logger = {
    debug: (m, f) => inner?.debug(m, f),
    info: (m, f) => inner?.info(m, f),
    warn: (m, f) => inner?.warn(m, f),
    error: (m, f) => inner?.error(m, f),
  };
  const crawler = new Crawler(spider, { ...defaultPlugins(), overrides, handleSignals: true, logger });
  const { botName } = crawler.settings;
  inner = consoleLogger({ botName, level: 'debug', write: sink });

  const startedAt = Date.now();
  if (showProgress) {
    progress = new ProgressLine(io.stderr, () => formatProgress(snapshot(crawler.stats, startedAt)));
    progress.start();
  }
  try {
    // The engine logs the stats dump and the close reason at info level.
    await crawler.crawl();
  } finally {
    progress?.stop();
  }
  return 0;
}

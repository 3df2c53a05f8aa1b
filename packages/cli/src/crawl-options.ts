import type { CrawlSettings } from '@crawl/core';
import { parseFeedUri, type FeedsSetting } from '@crawl/engine';
import { parseKeyValues, parseSpiderArgs } from './args.js';

/** The options `runspider` and `crawl` share, in util.parseArgs form. */
export const CRAWL_FLAGS = {
  output: { type: 'string', short: 'o', multiple: true },
  'overwrite-output': { type: 'string', short: 'O', multiple: true },
  set: { type: 'string', short: 's', multiple: true },
  a: { type: 'string', short: 'a', multiple: true },
  loglevel: { type: 'string', short: 'L' },
  nolog: { type: 'boolean' },
  'log-format': { type: 'string' },
  'stats-json': { type: 'string' },
  'no-progress': { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CRAWL_FLAGS_HELP = `  -o, --output FILE[:FORMAT]           append items to FILE (jsonl, json, csv; format from the extension or :FORMAT)
  -O, --overwrite-output FILE[:FORMAT] like -o, but overwrite FILE
  -s, --set KEY=VALUE                  set a setting (VALUE parsed as JSON when it is JSON), repeatable
  -a NAME=VALUE                        set a spider argument (a string property on the spider), repeatable
  -L, --loglevel LEVEL                 debug | info | warn | error | silent (default info)
      --nolog                          same as --loglevel silent
      --log-format FORMAT              text (default) | json (one JSON object per line)
      --stats-json FILE                write the final stats as JSON to FILE
      --no-progress                    no live progress line on a TTY
  -c, --config FILE                    crawl.config.ts to use (default: found from the current directory up)
  -h, --help                           show this help
`;

export interface CrawlFlagValues {
  output?: string[] | undefined;
  'overwrite-output'?: string[] | undefined;
  set?: string[] | undefined;
  a?: string[] | undefined;
  loglevel?: string | undefined;
  nolog?: boolean | undefined;
  'log-format'?: string | undefined;
  'stats-json'?: string | undefined;
  'no-progress'?: boolean | undefined;
  config?: string | undefined;
}

export interface ParsedCrawlFlags {
  overrides: Partial<CrawlSettings>;
  spiderArgs: Record<string, string>;
  logFormat: 'text' | 'json';
  statsJson: string | undefined;
  progress: boolean;
}

/** -s, -o/-O, -L, --nolog … turned into setting overrides (highest precedence). */
export function parseCrawlFlags(values: CrawlFlagValues): ParsedCrawlFlags {
  const overrides = parseKeyValues(values.set ?? [], '-s') as Partial<CrawlSettings> & Record<string, unknown>;
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
  if (Object.keys(feeds).length > 0) overrides['feeds'] = { ...(overrides['feeds'] as FeedsSetting | undefined), ...feeds };
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new TypeError(`--log-format must be "text" or "json", got ${JSON.stringify(logFormat)}`);
  }
  return {
    overrides,
    spiderArgs: parseSpiderArgs(values.a ?? []),
    logFormat,
    statsJson: values['stats-json'],
    progress: !values['no-progress'],
  };
}

import { parseArgs } from 'node:util';
import { Request, type CrawlSettings, type Response, type Spider } from '@crawl/core';
import { consoleLogger, Crawler } from '@crawl/engine';
import { parseKeyValues } from '../args.js';
import { defaultPlugins } from '../defaults.js';
import type { CliIO } from '../output.js';

export const FETCH_USAGE = `Usage: crawl fetch <url> [options]

Download a URL through the downloader middlewares and print the body to stdout.

Options:
      --headers          print the response headers (to stdout) instead of the body
  -s, --set KEY=VALUE    set a setting, repeatable
  -L, --loglevel LEVEL   debug | info | warn | error | silent (default warn)
      --nolog            no log output
  -h, --help             show this help
`;

export async function fetchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      headers: { type: 'boolean' },
      set: { type: 'string', short: 's', multiple: true },
      loglevel: { type: 'string', short: 'L' },
      nolog: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(FETCH_USAGE);
    return 0;
  }
  const url = positionals[0];
  if (url === undefined || positionals.length > 1) {
    io.stderr.write(`crawl fetch: expected exactly one URL\n\n${FETCH_USAGE}`);
    return 2;
  }
  const request = new Request(url, { dontFilter: true });
  const overrides = parseKeyValues(values.set ?? [], '-s') as Partial<CrawlSettings>;
  overrides.logLevel = values.nolog ? 'silent' : ((values.loglevel as CrawlSettings['logLevel'] | undefined) ?? 'warn');
  overrides.logStatsInterval = 0;

  let response: Response | undefined;
  let failure: unknown;
  // Non-2xx responses are what the user asked to see: handle every status.
  const spider: Spider = {
    name: 'fetch',
    *start() {
      yield request.replace({
        meta: { handleHttpstatusAll: true },
        callback: (r: Response) => {
          response = r;
        },
        errback: ({ error }) => {
          failure = error;
        },
      });
    },
    parse() {},
  };
  const crawler = new Crawler(spider, {
    ...defaultPlugins(),
    overrides,
    builtinSpiderMiddlewares: true,
    handleSignals: true,
    logger: consoleLogger({ botName: 'fetch', level: 'debug', write: (line) => io.stderr.write(line.endsWith('\n') ? line : `${line}\n`) }),
  });
  await crawler.crawl();
  if (!response) {
    io.stderr.write(`crawl fetch: ${failure instanceof Error ? failure.message : `could not fetch ${request.url}`}\n`);
    return 1;
  }
  if (values.headers) {
    io.stdout.write(`${response.protocol ?? 'HTTP/1.1'} ${response.status}\n`);
    for (const [name, value] of response.headers) io.stdout.write(`${name}: ${value}\n`);
  } else {
    io.stdout.write(Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength));
  }
  return 0;
}

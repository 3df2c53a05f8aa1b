import { parseArgs } from 'node:util';
import { ConfigError, type CrawlSettings } from '@crawl/core';
import { consoleLogger } from '@crawl/engine';
import { parseKeyValues } from '../args.js';
import { crawlerOptionsFromConfig } from '../config.js';
import { fetchOnce } from '../fetch-once.js';
import { instantiateSpider } from '../load-spider.js';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';
import { discoverSpiders } from '../spider-discovery.js';

export const FETCH_USAGE = `Usage: crawl fetch <url> [options]

Download a URL through the downloader middlewares and print the body to stdout.

Options:
      --headers          print the status line and response headers instead of the body
      --spider NAME      use that project spider's settings and attributes (user agent, auth, …)
  -s, --set KEY=VALUE    set a setting, repeatable
  -L, --loglevel LEVEL   debug | info | warn | error | silent (default warn)
      --nolog            no log output
  -c, --config FILE      crawl.config.ts to use (default: found from the current directory up, if any)
  -h, --help             show this help
`;

export async function fetchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      headers: { type: 'boolean' },
      spider: { type: 'string' },
      set: { type: 'string', short: 's', multiple: true },
      loglevel: { type: 'string', short: 'L' },
      nolog: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
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
  const overrides = parseKeyValues(values.set ?? [], '-s') as Partial<CrawlSettings>;
  overrides.logLevel = values.nolog ? 'silent' : ((values.loglevel as CrawlSettings['logLevel'] | undefined) ?? 'warn');
  const project = await projectConfig(values.config, values.spider !== undefined);
  let spider;
  if (values.spider !== undefined && project) {
    const found = (await discoverSpiders(project)).get(values.spider);
    if (!found) throw new ConfigError(`No spider named ${JSON.stringify(values.spider)} in ${project.path}`);
    spider = instantiateSpider(found.candidate);
  }
  const logger = consoleLogger({ botName: 'fetch', level: 'debug', write: (line) => io.stderr.write(line.endsWith('\n') ? line : `${line}\n`) });
  const { request, response, error } = await fetchOnce(url, {
    plugins: crawlerOptionsFromConfig(project?.config),
    overrides,
    logger,
    ...(spider ? { spider } : {}),
  });
  if (!response) {
    io.stderr.write(`crawl fetch: ${error instanceof Error ? error.message : `could not fetch ${request.url}`}\n`);
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

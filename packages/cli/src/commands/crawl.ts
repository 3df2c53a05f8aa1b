import { parseArgs } from 'node:util';
import { ConfigError } from '@crawl/core';
import { crawlerOptionsFromConfig } from '../config.js';
import { CRAWL_FLAGS, CRAWL_FLAGS_HELP, parseCrawlFlags } from '../crawl-options.js';
import { instantiateSpider } from '../load-spider.js';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';
import { runCrawl } from '../run-crawl.js';
import { discoverSpiders } from '../spider-discovery.js';

export const CRAWL_USAGE = `Usage: crawl crawl <spider-name> [options]

Run a spider of the project (crawl.config.ts found from the current directory up) by name.

Options:
${CRAWL_FLAGS_HELP}`;

export async function crawlCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CRAWL_FLAGS });
  if (values.help) {
    io.stdout.write(CRAWL_USAGE);
    return 0;
  }
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) {
    io.stderr.write(`crawl crawl: expected exactly one spider name\n\n${CRAWL_USAGE}`);
    return 2;
  }
  const flags = parseCrawlFlags(values);
  const project = await projectConfig(values.config, true);
  const spiders = await discoverSpiders(project);
  const found = spiders.get(name);
  if (!found) {
    throw new ConfigError(`No spider named ${JSON.stringify(name)} in ${project.path}; available: ${[...spiders.keys()].sort().join(', ') || '(none)'}`);
  }
  await runCrawl(instantiateSpider(found.candidate, flags.spiderArgs), crawlerOptionsFromConfig(project.config), flags, io);
  return 0;
}

import { parseArgs } from 'node:util';
import { crawlerOptionsFromConfig } from '../config.js';
import { CRAWL_FLAGS, CRAWL_FLAGS_HELP, parseCrawlFlags } from '../crawl-options.js';
import { loadSpider } from '../load-spider.js';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';
import { runCrawl } from '../run-crawl.js';

export const RUNSPIDER_USAGE = `Usage: crawl runspider <spider.ts|.js> [options]

Run the spider defined in a file (TypeScript runs without a build step). A crawl.config.ts found
from the current directory up supplies plugins and settings, as for "crawl crawl".

Options:
      --spider NAME                    pick a spider when the file exports several
${CRAWL_FLAGS_HELP}`;

export async function runspider(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CRAWL_FLAGS, spider: { type: 'string' } } });
  if (values.help) {
    io.stdout.write(RUNSPIDER_USAGE);
    return 0;
  }
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) {
    io.stderr.write(`crawl runspider: expected exactly one spider file\n\n${RUNSPIDER_USAGE}`);
    return 2;
  }
  const flags = parseCrawlFlags(values);
  const project = await projectConfig(values.config, false);
  const spider = await loadSpider(file, { name: values.spider, args: flags.spiderArgs });
  await runCrawl(spider, crawlerOptionsFromConfig(project?.config), flags, io);
  return 0;
}

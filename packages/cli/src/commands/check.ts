import { parseArgs } from 'node:util';
import { ConfigError, Request, type Spider } from '@crawl/core';
import { consoleLogger } from '@crawl/engine';
import { crawlerOptionsFromConfig } from '../config.js';
import { checkOutput, collectOutput, type CallbackContract, type CallbackFn } from '../contracts.js';
import { fetchOnce } from '../fetch-once.js';
import { instantiateSpider } from '../load-spider.js';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';
import { discoverSpiders } from '../spider-discovery.js';

export const CHECK_USAGE = `Usage: crawl check [spider-name ...] [--config FILE]

Run the spiders' contracts: for each entry of a spider's "contracts" (callback name → { url,
returns: { items, requests }, scrapes }), download the URL, call the callback and check its output.
Exit code 1 when a contract fails.
`;

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(CHECK_USAGE);
    return 0;
  }
  const project = await projectConfig(values.config, true);
  const spiders = await discoverSpiders(project);
  const names = positionals.length > 0 ? positionals : [...spiders.keys()].sort();
  const plugins = crawlerOptionsFromConfig(project.config);
  const logger = consoleLogger({ botName: 'check', level: 'warn', write: (line) => io.stderr.write(line) });
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const found = spiders.get(name);
    if (!found) throw new ConfigError(`No spider named ${JSON.stringify(name)}; available: ${[...spiders.keys()].sort().join(', ')}`);
    const spider = instantiateSpider(found.candidate) as Spider<any>;
    for (const [callbackName, spec] of Object.entries(spider.contracts ?? {})) {
      const callback = (spider as unknown as Record<string, unknown>)[callbackName];
      const contracts: readonly CallbackContract[] = Array.isArray(spec) ? spec : [spec as CallbackContract];
      for (const contract of contracts) {
        const label = `${name}.${callbackName} ${contract.url}`;
        let problems: string[];
        if (typeof callback !== 'function') problems = [`the spider has no method "${callbackName}"`];
        else {
          const cbKwargs = contract.cbKwargs ?? {};
          const { response, error } = await fetchOnce(new Request(contract.url, { cbKwargs }), { plugins, overrides: { logLevel: 'warn' }, logger, spider });
          if (!response) problems = [`download failed: ${error instanceof Error ? error.message : String(error)}`];
          else {
            try {
              problems = checkOutput(contract, await collectOutput((callback as CallbackFn).call(spider, response, cbKwargs)));
            } catch (e) {
              problems = [`the callback threw: ${e instanceof Error ? e.message : String(e)}`];
            }
          }
        }
        if (problems.length === 0) {
          passed++;
          io.stdout.write(`ok   ${label}\n`);
        } else {
          failed++;
          io.stdout.write(`FAIL ${label}\n${problems.map((p) => `       ${p}\n`).join('')}`);
        }
      }
    }
  }
  io.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

import { parseArgs } from 'node:util';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';
import { discoverSpiders } from '../spider-discovery.js';

export const LIST_USAGE = `Usage: crawl list [--config FILE]

List the project's spiders, one name per line.
`;

export async function listCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout.write(LIST_USAGE);
    return 0;
  }
  const spiders = await discoverSpiders(await projectConfig(values.config, true));
  for (const name of [...spiders.keys()].sort()) io.stdout.write(`${name}\n`);
  return 0;
}

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '@crawl/core';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';
import { spiderTemplate } from '../templates.js';

export const GENSPIDER_USAGE = `Usage: crawl genspider <name> <domain or start URL> [--force]

Create spiders/<name>.ts from a template (in the project's first spiders directory, or ./spiders
outside a project).
`;

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export async function genspiderCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { force: { type: 'boolean' }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(GENSPIDER_USAGE);
    return 0;
  }
  const [name, domain] = positionals;
  if (name === undefined || domain === undefined || positionals.length > 2) {
    io.stderr.write(`crawl genspider: expected a name and a domain\n\n${GENSPIDER_USAGE}`);
    return 2;
  }
  if (!NAME.test(name)) throw new ConfigError(`Spider name ${JSON.stringify(name)} must start with a letter and hold only letters, digits, - and _`);
  let template: string;
  try {
    template = spiderTemplate(name, domain);
  } catch {
    throw new ConfigError(`${JSON.stringify(domain)} is neither a domain nor an http(s) URL`);
  }
  const project = await projectConfig(values.config, false);
  const roots = project?.config.spiders;
  const first = roots === undefined ? 'spiders' : typeof roots === 'string' ? roots : (roots[0] ?? 'spiders');
  const dir = resolve(project?.dir ?? process.cwd(), first);
  const file = join(dir, `${name}.ts`);
  if (existsSync(file) && !values.force) throw new ConfigError(`${file} already exists (use --force to overwrite)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, template);
  io.stdout.write(`Created spider ${JSON.stringify(name)} in ${file}\n`);
  return 0;
}

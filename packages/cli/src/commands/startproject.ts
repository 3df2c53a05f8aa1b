import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '@crawl/core';
import type { CliIO } from '../output.js';
import { configTemplate, packageTemplate, readmeTemplate, spiderTemplate, tsconfigTemplate } from '../templates.js';

export const STARTPROJECT_USAGE = `Usage: crawl startproject <name> [directory]

Create a crawl project: package.json, crawl.config.ts, tsconfig.json, spiders/example.ts, README.md.
`;

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** ^version of each @crawl package as installed next to this CLI, so a new project matches it. */
function crawlVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of ['@crawl/cli', '@crawl/core', '@crawl/engine', '@crawl/http']) {
    let version = '0.1.0';
    try {
      version = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      // Not resolvable from here (e.g. the CLI itself during development): keep the default.
    }
    out[name] = `^${version}`;
  }
  return out;
}

export async function startprojectCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout.write(STARTPROJECT_USAGE);
    return 0;
  }
  const [name, directory] = positionals;
  if (name === undefined || positionals.length > 2) {
    io.stderr.write(`crawl startproject: expected a project name\n\n${STARTPROJECT_USAGE}`);
    return 2;
  }
  if (!NAME.test(name)) throw new ConfigError(`Project name ${JSON.stringify(name)} must be a valid npm package name (lower case letters, digits, ., _ and -)`);
  const dir = resolve(directory ?? name);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new ConfigError(`${dir} exists and is not empty`);
  mkdirSync(join(dir, 'spiders'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), packageTemplate(name, crawlVersions()));
  writeFileSync(join(dir, 'crawl.config.ts'), configTemplate());
  writeFileSync(join(dir, 'tsconfig.json'), tsconfigTemplate());
  writeFileSync(join(dir, 'README.md'), readmeTemplate(name));
  writeFileSync(join(dir, 'spiders', 'example.ts'), spiderTemplate('example', 'example.com'));
  io.stdout.write(
    `New crawl project ${JSON.stringify(name)} in ${dir}\n\n  cd ${basename(dir)}\n  npm install\n  npx crawl crawl example -O items.jsonl\n`,
  );
  return 0;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CrawlSettings, Response } from '@crawl/core';
import { consoleLogger } from '@crawl/engine';
import { parseKeyValues } from '../args.js';
import { crawlerOptionsFromConfig } from '../config.js';
import { fetchOnce } from '../fetch-once.js';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';

export const SHELL_USAGE = `Usage: crawl shell [url] [options]

An interactive shell (Node's REPL) for trying selectors. In it:
  response            the last response (css(), $, text, follow(), …)
  await fetch(url)    download another URL through the same plugins; sets response
  view(response)      write the body to a temporary .html file and print its path
  request, settings   the last request and the setting overrides

Options:
  -s, --set KEY=VALUE    set a setting, repeatable
  -c, --config FILE      crawl.config.ts to use
  -h, --help             show this help
`;

export async function shellCommand(argv: string[], io: CliIO, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { set: { type: 'string', short: 's', multiple: true }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(SHELL_USAGE);
    return 0;
  }
  const project = await projectConfig(values.config, false);
  const plugins = crawlerOptionsFromConfig(project?.config);
  const settings = { logLevel: 'warn', ...parseKeyValues(values.set ?? [], '-s') } as Partial<CrawlSettings>;
  const logger = consoleLogger({ botName: 'shell', level: 'debug', write: (line) => io.stderr.write(line.endsWith('\n') ? line : `${line}\n`) });
  const viewDir = mkdtempSync(join(tmpdir(), 'crawl-shell-'));
  let views = 0;

  const context: Record<string, unknown> = { settings, response: undefined, request: undefined };
  const fetch = async (url: string): Promise<Response | undefined> => {
    const outcome = await fetchOnce(url, { plugins, overrides: settings, logger });
    context['request'] = outcome.request;
    context['response'] = outcome.response;
    if (!outcome.response) io.stdout.write(`Could not fetch ${url}: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}\n`);
    else io.stdout.write(`[${outcome.response.status}] ${outcome.response.url}\n`);
    return outcome.response;
  };
  const view = (response: Response | undefined = context['response'] as Response | undefined): string => {
    if (!response) throw new TypeError('view(): no response yet; fetch(url) first');
    const file = join(viewDir, `view-${++views}.html`);
    writeFileSync(file, response.body);
    io.stdout.write(`Saved ${response.url} to ${file}\n`);
    return file;
  };
  context['fetch'] = fetch;
  context['view'] = view;

  if (positionals[0] !== undefined) await fetch(positionals[0]);
  io.stdout.write('Available: response, request, settings, fetch(url), view(response). Ctrl-D to exit.\n');
  // Loaded here, not at the top: node:repl pulls in node:domain, which slows every event emit in
  // the process, and every other command (a crawl) would pay for it.
  const { start: startRepl } = await import('node:repl');
  const repl = startRepl({ prompt: 'crawl> ', input, output: io.stdout, terminal: io.stderr.isTTY === true && input === process.stdin, useGlobal: false });
  Object.assign(repl.context, context);
  // fetch() replaces the response: keep the REPL's variables in step.
  const sync = () => {
    repl.context['response'] = context['response'];
    repl.context['request'] = context['request'];
  };
  repl.context['fetch'] = async (url: string) => {
    const r = await fetch(url);
    sync();
    return r;
  };
  await new Promise<void>((resolve) => repl.on('exit', () => resolve()));
  return 0;
}

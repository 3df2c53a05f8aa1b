import { CrawlError } from '@crawl/core';
import { benchCommand } from './commands/bench.js';
import { checkCommand } from './commands/check.js';
import { crawlCommand } from './commands/crawl.js';
import { fetchCommand } from './commands/fetch.js';
import { genspiderCommand } from './commands/genspider.js';
import { listCommand } from './commands/list.js';
import { runspider } from './commands/runspider.js';
import { shellCommand } from './commands/shell.js';
import { startprojectCommand } from './commands/startproject.js';
import { jsonLogger } from './json-logger.js';
import { defaultIO, type CliIO } from './output.js';

export const USAGE = `Usage: crawl <command> [options]

Project commands (need a crawl.config.ts here or in a parent directory):
  crawl <spider>     run a project spider by name
  list               list the project's spiders
  check [spider…]    run the spiders' contracts

Anywhere:
  startproject <name> [dir]   create a new project
  genspider <name> <domain>   create a spider from a template
  runspider <file>            run a spider file (.ts, .mts, .js, .mjs)
  fetch <url>                 download a URL and print it
  shell [url]                 interactive shell to try selectors
  bench                       a quick local benchmark
  help                        show this help

Run "crawl <command> --help" for a command's options.
`;

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  crawl: crawlCommand,
  list: listCommand,
  check: checkCommand,
  startproject: startprojectCommand,
  genspider: genspiderCommand,
  runspider,
  fetch: fetchCommand,
  shell: (argv, io) => shellCommand(argv, io),
  bench: benchCommand,
};

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage or configuration error. */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`crawl: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    // Bad arguments, settings or spider files are the user's to fix: say what, without a stack.
    const usage = error instanceof CrawlError || (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) || isUsageTypeError(error);
    if (wantsJsonLogs(rest)) {
      // A log shipper reading --log-format json must not get a plain-text line for a failed start.
      const log = jsonLogger('crawl', (line) => void io.stderr.write(`${line}\n`), '@crawl/cli');
      log.error(`crawl ${command}: ${error instanceof Error ? error.message : String(error)}`, usage ? {} : { error });
      return usage ? 2 : 1;
    }
    if (usage) {
      io.stderr.write(`crawl ${command}: error: ${(error as Error).message}\n`);
      return 2;
    }
    io.stderr.write(`crawl ${command}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/** `--log-format json` or `--log-format=json` among the arguments, read before they are validated. */
function wantsJsonLogs(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--log-format' && args[i + 1] === 'json') return true;
    if (args[i] === '--log-format=json') return true;
  }
  return false;
}

/** TypeErrors thrown by our own flag checks (e.g. --log-format) carry a "--" in their message. */
function isUsageTypeError(error: unknown): boolean {
  return error instanceof TypeError && error.message.startsWith('--');
}

import { CrawlError } from '@crawl/core';
import { fetchCommand } from './commands/fetch.js';
import { runspider } from './commands/runspider.js';
import { defaultIO, type CliIO } from './output.js';

export const USAGE = `Usage: crawl <command> [options]

Commands:
  runspider <file>   run a spider file (.ts, .mts, .js, .mjs)
  fetch <url>        download a URL and print it
  help               show this help

Run "crawl <command> --help" for a command's options.
`;

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  runspider,
  fetch: fetchCommand,
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
    if (error instanceof CrawlError || (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`crawl ${command}: error: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`crawl ${command}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

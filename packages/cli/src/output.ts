import { ProgressLine } from './progress.js';

/**
 * Where the CLI writes: log lines and the live progress line share stderr; data (fetch bodies)
 * goes to stdout. The progress line is only drawn on a TTY.
 */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** A line writer for logs that clears the progress line first when one is shown. */
export function logSink(io: CliIO, progress: ProgressLine | undefined): (line: string) => void {
  return (line) => {
    if (progress) progress.write(line);
    else io.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  };
}

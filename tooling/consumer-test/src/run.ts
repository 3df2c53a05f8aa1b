import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd: string;
  /** The command is killed (with its whole process group) after this long. */
  timeoutMs: number;
  env?: Record<string, string | undefined>;
  /** Resolve with a non-zero exit code instead of rejecting. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Keeps error messages readable: a failed npm install can print thousands of lines. */
function tail(text: string, lines = 60): string {
  const all = text.trimEnd().split('\n');
  return all.length <= lines ? all.join('\n') : `… (${all.length - lines} lines cut)\n${all.slice(-lines).join('\n')}`;
}

/**
 * Runs a command without a shell. Rejects on a non-zero exit (unless allowFailure) or on timeout,
 * with the command line, directory and the end of its output in the message.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const line = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout also stops what npm or pnpm started.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${line} (in ${options.cwd}) could not start: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr };
      if (timedOut) {
        reject(new Error(`${line} (in ${options.cwd}) timed out after ${options.timeoutMs} ms\n${tail(stdout + stderr)}`));
      } else if (code !== 0 && !options.allowFailure) {
        reject(new Error(`${line} (in ${options.cwd}) exited with ${code ?? signal}\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`));
      } else {
        resolve(result);
      }
    });
  });
}

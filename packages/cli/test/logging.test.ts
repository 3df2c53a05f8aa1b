import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogger, runCli, type CliIO } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const spiderFile = join(here, 'fixtures', 'pages-spider.ts');

/** stderr that claims to be a terminal, as process.stderr does in an interactive shell. */
function terminalIO(): CliIO & { err: () => string } {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }) as unknown as NodeJS.WriteStream;
  let err = '';
  (stderr as unknown as PassThrough).on('data', (c: Buffer) => (err += c.toString()));
  stdout.resume();
  return { stdout, stderr, err: () => err };
}

interface JsonLine {
  time: string;
  level: string;
  logger: string;
  component?: string;
  message: string;
  stats?: Record<string, unknown>;
}

let site: TestServer;
beforeAll(async () => {
  site = await startTestServer({
    routes: {
      // Slow enough for several log-stats ticks and progress redraws while the crawl runs.
      '/': handlers.delay(450, handlers.html('<h1>Home</h1><a href="/flaky">flaky</a>')),
      '/flaky': handlers.status(503, 'down'),
    },
  });
});
afterAll(() => site.close());

describe('jsonLogger', () => {
  it('adds the component of child loggers; nested children join with "/"', () => {
    const lines: string[] = [];
    const root = jsonLogger('bot', (l) => void lines.push(l));
    root.info('root line', { a: 1 });
    root.child('@crawl/middleware-retry').debug('retrying');
    root.child('@crawl/engine').child('scraper').error('failed', { error: new Error('boom') });
    const parsed = lines.map((l) => JSON.parse(l) as JsonLine & Record<string, unknown>);
    expect(parsed.map(({ level, logger, component, message }) => ({ level, logger, component, message }))).toEqual([
      { level: 'info', logger: 'bot', component: undefined, message: 'root line' },
      { level: 'debug', logger: 'bot', component: '@crawl/middleware-retry', message: 'retrying' },
      { level: 'error', logger: 'bot', component: '@crawl/engine/scraper', message: 'failed' },
    ]);
    expect('component' in parsed[0]!).toBe(false);
    expect(parsed[0]!['a']).toBe(1);
    expect(parsed[2]!['error']).toMatchObject({ name: 'Error', message: 'boom' });
  });
});

describe('--log-format json before the crawl starts', () => {
  it('reports a start-up error (a missing spider file) as one JSON line', async () => {
    const out: string[] = [];
    const sink = (into: string[]) => ({ write: (chunk: string) => (into.push(chunk), true) });
    const err: string[] = [];
    const io = { stdout: sink(out), stderr: sink(err) } as unknown as CliIO;
    const code = await runCli(['runspider', join(here, 'no-such-spider.ts'), '--log-format', 'json'], io);
    expect(code).not.toBe(0);
    const lines = err.join('').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as JsonLine;
    expect(record).toMatchObject({ level: 'error', logger: 'crawl', component: '@crawl/cli' });
    expect(record.message).toMatch(/no-such-spider/);
  });
});

describe('--log-format json on a terminal', () => {
  it('writes only JSON lines: periodic stats, component names, and the stats dump as one object', async () => {
    const io = terminalIO();
    const code = await runCli(['runspider', spiderFile, '-a', `baseUrl=${site.url}`, '--log-format', 'json', '-L', 'debug', '-s', 'logStatsInterval=0.1'], io);
    expect(code).toBe(0);
    const text = io.err();
    // No progress line: no carriage returns or escape sequences in the stream.
    expect(text).not.toMatch(/[\r\x1b]/);
    const lines = text.split('\n').filter((l) => l !== '');
    const records = lines.map((l) => JSON.parse(l) as JsonLine);
    expect(records.every((r) => r.logger === 'crawlbot' && typeof r.time === 'string' && typeof r.message === 'string')).toBe(true);

    const periodic = records.filter((r) => r.component === '@crawl/engine/log-stats');
    expect(periodic.length).toBeGreaterThanOrEqual(2);
    expect(periodic[0]!.message).toMatch(/^Crawled \d+ pages \(at \d+ pages\/min\), scraped \d+ items \(at \d+ items\/min\)$/);

    const retrying = records.filter((r) => r.message.startsWith('Retrying <GET '));
    expect(retrying).toHaveLength(2);
    expect(retrying.every((r) => r.component === '@crawl/middleware-retry' && r.level === 'debug')).toBe(true);
    expect(records.find((r) => r.message === 'Spider opened: pages')?.component).toBe('@crawl/engine');

    const dumps = records.filter((r) => r.message === 'Dumping crawl stats:');
    expect(dumps).toHaveLength(1);
    expect(dumps[0]!.stats).toMatchObject({ finish_reason: 'finished', item_scraped_count: 1, 'retry/count': 2 });
    expect(typeof dumps[0]!.stats!['start_time']).toBe('string');
  });

  it('the same crawl in text mode draws the progress line and shows components in brackets', async () => {
    const io = terminalIO();
    const code = await runCli(['runspider', spiderFile, '-a', `baseUrl=${site.url}`, '-L', 'debug', '-s', 'logStatsInterval=0'], io);
    expect(code).toBe(0);
    const text = io.err();
    expect(text).toContain('\r\x1b[2Kpages ');
    expect(text).toMatch(/^\[@crawl\/engine\] INFO: Spider opened: pages$/m);
    expect(text).toMatch(/^\[@crawl\/middleware-retry\] DEBUG: Retrying <GET http:\/\/127\.0\.0\.1:\d+\/flaky> \(failed 1 times\): 503 Service Unavailable$/m);
    expect(text).toMatch(/\[@crawl\/engine\] INFO: Dumping crawl stats:\n(  \S+: .*\n)*  finish_reason: finished\n/);
  });

  it('--no-progress keeps text mode free of the progress line', async () => {
    const io = terminalIO();
    expect(await runCli(['runspider', spiderFile, '-a', `baseUrl=${site.url}`, '--no-progress', '-s', 'logStatsInterval=0'], io)).toBe(0);
    expect(io.err()).not.toMatch(/[\r\x1b]/);
  });
});

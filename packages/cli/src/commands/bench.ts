import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Request, type Response } from '@crawl/core';
import { consoleLogger, Crawler } from '@crawl/engine';
import { crawlerOptionsFromConfig } from '../config.js';
import type { CliIO } from '../output.js';
import { projectConfig } from '../project.js';

export const BENCH_USAGE = `Usage: crawl bench [--pages N] [--concurrency N]

A quick local benchmark (like "scrapy bench"): serves N linked pages from this process on
127.0.0.1 and crawls them with the project's plugins, following every link. Prints pages/s.
For the side-by-side comparison with Scrapy and Crawlee, see "pnpm bench" in the repository.
`;

function page(i: number, total: number): string {
  const links: string[] = [];
  for (let k = 1; k <= 10; k++) links.push(`<a href="/page/${(i * 7 + k * 13) % total}">item ${k}</a>`);
  return `<!doctype html><html><head><title>Page ${i}</title></head><body><h1>Page ${i}</h1><p class="price">${(i % 100) + 0.99}</p>${links.join('')}</body></html>`;
}

export async function benchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { pages: { type: 'string' }, concurrency: { type: 'string' }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(BENCH_USAGE);
    return 0;
  }
  const total = Number(values.pages ?? 2000);
  const concurrency = Number(values.concurrency ?? 16);
  if (!Number.isInteger(total) || total < 1 || total > 1_000_000) throw new TypeError('--pages must be an integer between 1 and 1000000');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) throw new TypeError('--concurrency must be an integer between 1 and 1024');
  const server: Server = createServer((req, res) => {
    const i = Number(/^\/page\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
    const body = page(i, total);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const project = await projectConfig(values.config, false);
    let items = 0;
    const spider = {
      name: 'bench',
      *start() {
        yield new Request(`${base}/page/0`);
      },
      *parse(response: Response) {
        items++;
        yield* response.followAll({ css: 'a' });
      },
    };
    const crawler = new Crawler(spider, {
      ...crawlerOptionsFromConfig(project?.config),
      overrides: { concurrentRequests: concurrency, concurrentRequestsPerDomain: concurrency, logStatsInterval: 0, logLevel: 'warn' },
      logger: consoleLogger({ botName: 'bench', level: 'debug', write: (line) => io.stderr.write(line) }),
    });
    const started = performance.now();
    const { stats } = await crawler.crawl();
    const seconds = (performance.now() - started) / 1000;
    const pages = Number(stats['response_received_count'] ?? 0);
    io.stdout.write(`Crawled ${pages} pages (${items} parsed) in ${seconds.toFixed(2)} s: ${(pages / seconds).toFixed(0)} pages/s at concurrency ${concurrency}\n`);
    return 0;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

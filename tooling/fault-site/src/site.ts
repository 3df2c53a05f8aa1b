import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { injectFault, later, type FaultTiming } from './faults.js';
import { pageHtml, TINY_PNG } from './pages.js';
import { planFault, type Fault, type FaultKind, type FaultRule } from './plan.js';

export interface FaultSiteOptions {
  /** Same seed, same rules → the same URLs fail the same way (default 1). */
  seed?: number;
  /** Pages `/page/0` … `/page/<pages-1>` (default 100; at most 1,000,000). */
  pages?: number;
  /** Children per page (default 8). */
  branching?: number;
  /** `<img>` tags per page, `/img/<page>-<k>.png` (default 0). */
  imagesPerPage?: number;
  /** Filler bytes per page (default 200; at most 1 MiB). */
  padding?: number;
  rules?: FaultRule[];
  /** Loopback address (default 127.0.0.1). */
  host?: string;
  timing?: Partial<FaultTiming>;
}

export const FAULT_SITE_DEFAULTS = {
  seed: 1,
  pages: 100,
  branching: 8,
  imagesPerPage: 0,
  padding: 200,
  host: '127.0.0.1',
  timing: { stallMs: 3000, dripChunks: 8, dripIntervalMs: 25, chainLength: 3, loopLimit: 50 } satisfies FaultTiming,
} as const;

export interface UrlRecord {
  attempts: number;
  successes: number;
  /** Kinds injected on this path, one per failing attempt. */
  injected: FaultKind[];
}

export interface FaultSite {
  readonly url: string;
  readonly port: number;
  readonly pages: number;
  pageUrl(i: number, origin?: string): string;
  /** The planned fault of a path (`/page/3`, `/img/3-0.png`), if any. */
  faultOf(path: string): Fault | undefined;
  /** Per-path record; a page reached through a redirect chain counts its success on `/page/<i>`. */
  record(path: string): UrlRecord;
  records(): ReadonlyMap<string, UrlRecord>;
  /** Failing attempts served, by kind. */
  injectedByKind(): Record<string, number>;
  /** Connections open now. */
  openConnections(): number;
  close(): Promise<void>;
}

const PAGE = /^\/page\/(\d+)$/;
const IMAGE = /^\/img\/(\d+)-(\d+)\.png$/;
const CHAIN = /^\/chain\/(\d+)\/(\d+)$/;
const LOOP = /^\/loop\/(\d+)\/(\d+)$/;

/**
 * A loopback site whose pages fail on purpose, deterministically by seed. Every fault is bounded:
 * stalls end after `timing.stallMs`, drips after `dripChunks`, loops after `loopLimit` hops.
 */
export async function startFaultSite(options: FaultSiteOptions = {}): Promise<FaultSite> {
  const seed = options.seed ?? FAULT_SITE_DEFAULTS.seed;
  const pages = options.pages ?? FAULT_SITE_DEFAULTS.pages;
  const branching = options.branching ?? FAULT_SITE_DEFAULTS.branching;
  const imagesPerPage = options.imagesPerPage ?? FAULT_SITE_DEFAULTS.imagesPerPage;
  const padding = options.padding ?? FAULT_SITE_DEFAULTS.padding;
  const host = options.host ?? FAULT_SITE_DEFAULTS.host;
  const timing: FaultTiming = { ...FAULT_SITE_DEFAULTS.timing, ...options.timing };
  const rules = options.rules ?? [];
  if (!Number.isInteger(pages) || pages < 1 || pages > 1_000_000) throw new RangeError(`startFaultSite(): pages must be an integer in 1..1000000, got ${pages}`);
  if (!Number.isInteger(padding) || padding < 0 || padding > 1 << 20) throw new RangeError(`startFaultSite(): padding must be an integer in 0..1048576, got ${padding}`);
  const total = rules.reduce((s, r) => s + r.share, 0);
  if (rules.some((r) => !(r.share >= 0)) || total > 1) throw new RangeError(`startFaultSite(): rule shares must be >= 0 and add up to at most 1, got ${total}`);

  const records = new Map<string, UrlRecord>();
  const byKind: Record<string, number> = {};
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const plan = new Map<string, Fault | undefined>();

  const recordOf = (path: string): UrlRecord => {
    let r = records.get(path);
    if (r === undefined) records.set(path, (r = { attempts: 0, successes: 0, injected: [] }));
    return r;
  };
  const faultOf = (path: string): Fault | undefined => {
    if (!plan.has(path)) plan.set(path, planFault(seed, rules, path, IMAGE.test(path)));
    return plan.get(path);
  };
  const inject = (rec: UrlRecord, kind: FaultKind): void => {
    rec.injected.push(kind);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  };
  const succeed = (rec: UrlRecord, res: ServerResponse): void => {
    res.once('finish', () => void rec.successes++);
  };

  const sendPage = (i: number, res: ServerResponse, rec: UrlRecord, drip: boolean): void => {
    const body = Buffer.from(pageHtml(i, pages, branching, imagesPerPage, padding));
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(body.length) });
    succeed(rec, res);
    if (!drip) {
      res.end(body);
      return;
    }
    const size = Math.ceil(body.length / timing.dripChunks);
    let at = 0;
    const step = (): void => {
      if (res.destroyed) return;
      const next = Math.min(body.length, at + size);
      if (next >= body.length) res.end(body.subarray(at));
      else {
        res.write(body.subarray(at, next));
        at = next;
        later(timers, timing.dripIntervalMs, step);
      }
    };
    step();
  };

  const redirect = (res: ServerResponse, location: string): void => {
    res.writeHead(302, { Location: location, 'Content-Length': '0' });
    res.end();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const target = new URL(req.url ?? '/', 'http://site.invalid');
    const path = target.pathname;
    if (path === '/robots.txt') {
      recordOf(path).attempts++;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('User-agent: *\nAllow: /\n');
      return;
    }
    let m = PAGE.exec(path);
    if (m !== null && Number(m[1]) < pages) {
      const i = Number(m[1]);
      const rec = recordOf(path);
      rec.attempts++;
      const fault = target.searchParams.get('via') === 'chain' ? undefined : faultOf(path);
      if (fault !== undefined && rec.attempts <= fault.failFirst) {
        if (fault.kind === 'slow-drip') return sendPage(i, res, rec, true);
        inject(rec, fault.kind);
        if (fault.kind === 'redirect-chain') return redirect(res, `/chain/${i}/1`);
        if (fault.kind === 'redirect-loop') return redirect(res, `/loop/${i}/1`);
        return injectFault(fault.kind, req, res, path, timing, timers);
      }
      return sendPage(i, res, rec, false);
    }
    m = IMAGE.exec(path);
    if (m !== null) {
      const rec = recordOf(path);
      rec.attempts++;
      const fault = faultOf(path);
      if (fault !== undefined && rec.attempts <= fault.failFirst && fault.kind !== 'slow-drip' && fault.kind !== 'redirect-chain' && fault.kind !== 'redirect-loop') {
        inject(rec, fault.kind);
        return injectFault(fault.kind, req, res, path, timing, timers);
      }
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(TINY_PNG.length) });
      succeed(rec, res);
      res.end(TINY_PNG);
      return;
    }
    m = CHAIN.exec(path);
    if (m !== null) {
      recordOf(path).attempts++;
      const hop = Number(m[2]);
      return redirect(res, hop < timing.chainLength ? `/chain/${m[1]}/${hop + 1}` : `/page/${m[1]}?via=chain`);
    }
    m = LOOP.exec(path);
    if (m !== null) {
      recordOf(path).attempts++;
      const hop = Number(m[2]);
      if (hop >= timing.loopLimit) {
        res.writeHead(508, { 'Content-Length': '0' });
        res.end();
        return;
      }
      return redirect(res, `/loop/${m[1]}/${hop + 1}`);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': '10' });
    res.end('not found\n');
  };

  const server = createServer({ maxHeaderSize: 16 * 1024 }, handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  // A client that resets mid-request must not take the site down.
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url: origin,
    port,
    pages,
    pageUrl: (i, base = origin) => `${base}/page/${i}`,
    faultOf,
    record: (path) => records.get(path) ?? { attempts: 0, successes: 0, injected: [] },
    records: () => records,
    injectedByKind: () => ({ ...byKind }),
    openConnections: () => sockets.size,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

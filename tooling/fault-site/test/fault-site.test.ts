import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_KINDS, planFault, startFaultSite, type FaultKind, type FaultSite } from '../src/index.js';

const sites: FaultSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  error?: string;
}

/** One plain GET on a fresh connection; never follows redirects. */
function fetchOnce(url: string, maxHeaderSize = 16 * 1024): Promise<Outcome> {
  return new Promise((resolve) => {
    let status: number | undefined;
    const req = get(url, { agent: false, maxHeaderSize }, (res) => {
      status = res.statusCode!;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', (e) => resolve({ status: res.statusCode!, error: (e as NodeJS.ErrnoException).code ?? e.message }));
      res.on('aborted', () => resolve({ status: res.statusCode!, error: 'aborted' }));
    });
    // After the headers, a reset reaches the request's error listener first.
    req.on('error', (e) => resolve({ ...(status === undefined ? {} : { status }), error: (e as NodeJS.ErrnoException).code ?? e.message }));
  });
}

async function siteWith(kind: FaultKind, failFirst = 1): Promise<FaultSite> {
  const site = await startFaultSite({ pages: 4, rules: [{ kind, share: 1, failFirst, applies: 'all' }], timing: { stallMs: 200, dripIntervalMs: 5 } });
  sites.push(site);
  return site;
}

describe('fault plan', () => {
  it('is deterministic by seed and close to the configured shares', () => {
    const rules = [{ kind: 'status-503' as const, share: 0.05 }, { kind: 'image-html' as const, share: 0.1, applies: 'images' as const }];
    const a = Array.from({ length: 10_000 }, (_, i) => planFault(7, rules, `/page/${i}`, false)?.kind);
    const b = Array.from({ length: 10_000 }, (_, i) => planFault(7, rules, `/page/${i}`, false)?.kind);
    expect(a).toEqual(b);
    const c = Array.from({ length: 10_000 }, (_, i) => planFault(8, rules, `/page/${i}`, false)?.kind);
    expect(c).not.toEqual(a);
    const share = a.filter((k) => k === 'status-503').length / a.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
    const images = Array.from({ length: 10_000 }, (_, i) => planFault(7, rules, `/img/${i}-0.png`, true)?.kind);
    expect(images.filter((k) => k === 'image-html').length / 10_000).toBeGreaterThan(0.09);
    expect(images.filter((k) => k === 'image-html').length / 10_000).toBeLessThan(0.11);
  });

  it('refuses shares above 1 and unbounded sizes', async () => {
    await expect(startFaultSite({ rules: [{ kind: 'status-500', share: 0.6 }, { kind: 'status-502', share: 0.6 }] })).rejects.toThrow(/add up to at most 1/);
    await expect(startFaultSite({ pages: 2_000_000 })).rejects.toThrow(/pages/);
  });
});

describe('each fault, then success', () => {
  const expectations: Partial<Record<FaultKind, (o: Outcome) => void>> = {
    'status-500': (o) => expect(o.status).toBe(500),
    'status-502': (o) => expect(o.status).toBe(502),
    'status-503': (o) => expect(o.status).toBe(503),
    'status-429': (o) => {
      expect(o.status).toBe(429);
      expect(o.headers?.['retry-after']).toBeUndefined();
    },
    'status-429-retry-after': (o) => {
      expect(o.status).toBe(429);
      expect(o.headers?.['retry-after']).toBe('1');
    },
    'status-503-retry-after-date': (o) => {
      expect(o.status).toBe(503);
      expect(Number.isNaN(Date.parse(String(o.headers?.['retry-after'])))).toBe(false);
    },
    'reset-before-headers': (o) => expect(o.error).toMatch(/ECONNRESET|socket hang up/),
    'reset-after-headers': (o) => {
      expect(o.status).toBe(200);
      expect(o.error).toBeDefined();
    },
    truncated: (o) => expect(o.error ?? (o.body!.length < 4096 ? 'short' : '')).not.toBe(''),
    'bad-chunked': (o) => expect(o.error).toBeDefined(),
    'bad-gzip': (o) => {
      expect(o.headers?.['content-encoding']).toBe('gzip');
      expect(o.body!.startsWith('\x1f\x8b')).toBe(true);
    },
    stall: (o) => expect(o.error ?? 'no response').toMatch(/ECONNRESET|socket hang up|aborted/),
    'huge-headers': (o) => expect(o.error).toMatch(/HPE_HEADER_OVERFLOW|Header overflow/),
    'redirect-chain': (o) => {
      expect(o.status).toBe(302);
      expect(o.headers?.location).toBe('/chain/1/1');
    },
    'redirect-loop': (o) => {
      expect(o.status).toBe(302);
      expect(o.headers?.location).toBe('/loop/1/1');
    },
    'slow-drip': (o) => expect(o.body).toContain('page 1'),
    'image-html': (o) => expect(o.headers?.['content-type']).toMatch(/text\/html/),
  };

  it('covers every kind', () => {
    expect(Object.keys(expectations).sort()).toEqual([...FAULT_KINDS].sort());
  });

  for (const kind of FAULT_KINDS) {
    it(kind, async () => {
      const site = await siteWith(kind);
      const first = await fetchOnce(`${site.url}/page/1`);
      expectations[kind]!(first);
      const second = await fetchOnce(`${site.url}/page/1`);
      expect(second.status).toBe(200);
      expect(second.body).toContain('<h1 data-id="1">');
      const rec = site.record('/page/1');
      expect(rec.attempts).toBe(2);
      expect(rec.successes).toBe(kind === 'slow-drip' ? 2 : 1);
      expect(rec.injected).toEqual(kind === 'slow-drip' ? [] : [kind]);
    });
  }

  it('follows a redirect chain to the page, and a loop ends at loopLimit', async () => {
    const chain = await siteWith('redirect-chain');
    let next = `${chain.url}/page/2`;
    let hops = 0;
    for (;;) {
      const o = await fetchOnce(next);
      if (o.status !== 302) {
        expect(o.body).toContain('data-id="2"');
        break;
      }
      next = new URL(String(o.headers!.location), chain.url).href;
      hops++;
    }
    expect(hops).toBe(4);
    expect(chain.record('/page/2').successes).toBe(1);
    const loop = await startFaultSite({ pages: 4, rules: [{ kind: 'redirect-loop', share: 1 }], timing: { loopLimit: 5 } });
    sites.push(loop);
    expect((await fetchOnce(`${loop.url}/loop/1/5`)).status).toBe(508);
  });

  it('a permanent fault never succeeds; images get 10% HTML', async () => {
    const site = await startFaultSite({ pages: 2, rules: [{ kind: 'status-503', share: 1, failFirst: Infinity }] });
    sites.push(site);
    for (let i = 0; i < 3; i++) expect((await fetchOnce(`${site.url}/page/0`)).status).toBe(503);
    expect(site.record('/page/0')).toMatchObject({ attempts: 3, successes: 0 });
    expect(site.injectedByKind()).toEqual({ 'status-503': 3 });
  });
});

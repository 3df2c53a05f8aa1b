import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeFor, serveStatic, type StaticServer } from '../src/serve-static.js';

const SITE_URL = new URL('../site/', import.meta.url);
const SITE = fileURLToPath(SITE_URL);

interface Manifest {
  books: number;
  detailPages: string[];
  brokenLinkUrls: string[];
  missingImages: { from: string; src: string }[];
  items: { url: string; title: string; price: string; image: string }[];
}

/** Raw GET with node:http so the path is sent exactly as written (fetch normalises `..`). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveStatic', () => {
  let server: StaticServer;
  let manifest: Manifest;

  beforeAll(async () => {
    manifest = JSON.parse(await readFile(new URL('manifest.json', SITE_URL), 'utf8')) as Manifest;
    server = await serveStatic(SITE);
  });
  afterAll(async () => {
    await server.close();
  });

  it('binds 127.0.0.1 on an ephemeral port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('serves index.html for / and by name', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('href="catalogue/page-1.html"');
    const named = await fetch(`${server.url}/index.html`);
    expect(await named.text()).toBe(html);
  });

  it('serves a detail page and maps its directory path to index.html', async () => {
    const item = manifest.items[0]!;
    const res = await fetch(new URL(item.url, server.url));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<article class="product_page">');
    expect(html).toContain(`<p class="price_color">${item.price}</p>`);

    const dir = item.url.replace(/index\.html$/, '');
    const viaDir = await fetch(new URL(dir, server.url));
    expect(viaDir.status).toBe(200);
    expect(await viaDir.text()).toBe(html);
  });

  it('redirects a directory without its trailing slash', async () => {
    const dir = manifest.items[0]!.url.replace(/\/index\.html$/, '');
    const res = await fetch(new URL(dir, server.url), { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`${dir}/`);
    await res.arrayBuffer();
  });

  it('serves images with the PNG content type and signature', async () => {
    const item = manifest.items.find((i) => !manifest.missingImages.some((m) => m.src === i.image))!;
    const res = await fetch(new URL(item.image, server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
  });

  it('serves robots.txt and manifest.json with their content types', async () => {
    const robots = await fetch(`${server.url}/robots.txt`);
    expect(robots.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await robots.text()).toContain('User-agent: *');
    const man = await fetch(`${server.url}/manifest.json`);
    expect(man.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await man.json()) as Manifest).books).toBe(manifest.books);
  });

  it('returns 404 with a small HTML body for missing files, broken links and the missing image', async () => {
    for (const path of ['/nope.html', ...manifest.brokenLinkUrls, ...manifest.missingImages.map((m) => m.src)]) {
      const res = await fetch(new URL(path, server.url));
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('404 Not Found');
    }
  });

  it('refuses path traversal', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/catalogue/..%2f..%2fpackage.json',
      '/..%5cpackage.json',
      '/catalogue/../../package.json',
    ]) {
      const res = await rawGet(server.url, path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body).not.toContain('@crawl/example-demo');
    }
  });

  it('answers HEAD without a body and rejects other methods', async () => {
    const head = await fetch(`${server.url}/index.html`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    const post = await fetch(`${server.url}/index.html`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.arrayBuffer();
  });

  it('maps extensions to content types', () => {
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.JPG')).toBe('image/jpeg');
    expect(contentTypeFor('sitemap.xml')).toBe('application/xml; charset=utf-8');
    expect(contentTypeFor('blob.bin')).toBe('application/octet-stream');
  });
});

describe('serveStatic close()', () => {
  it('closes keep-alive sockets and is idempotent', async () => {
    const server = await serveStatic(SITE);
    // Leave a keep-alive connection open from fetch's pool.
    const res = await fetch(`${server.url}/robots.txt`);
    await res.text();
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(fetch(`${server.url}/robots.txt`)).rejects.toThrow();
  });

  it('rejects a root that is not a directory', async () => {
    await expect(serveStatic(fileURLToPath(new URL('manifest.json', SITE_URL)))).rejects.toThrow(/not a directory/);
  });
});

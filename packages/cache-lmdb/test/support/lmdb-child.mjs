// Second process for the multi-process test: opens the same LMDB environment through the built
// storage while the parent keeps it open, reads what the parent stored, stores its own entry.
const [distUrl, path] = process.argv.slice(2);
const { lmdbCacheStorage } = await import(distUrl);
const { Request, createResponse, fingerprint } = await import('@crawl/core');

// A Crawler's logger has child() (core's Logger): plugins take their component logger from it.
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const crawler = { spider: { name: 'test' }, logger: silent };
const storage = lmdbCacheStorage({ path });
await storage.open(crawler);
const fromParent = new Request('http://a.test/parent');
const cached = await storage.retrieve(fromParent, fingerprint(fromParent));
const mine = new Request('http://a.test/child');
await storage.store(mine, createResponse(mine.url, { status: 203, headers: { 'Content-Type': 'text/plain' }, body: 'written by the child' }), fingerprint(mine));
await storage.close(crawler, 'finished');
process.stdout.write(JSON.stringify({ parentBody: cached ? Buffer.from(cached.body).toString() : null }) + '\n');

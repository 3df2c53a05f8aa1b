// Child process for the kill-mid-write test: stores one big entry through the built storage and
// reports progress on stdout. The parent SIGKILLs it while the body is being written.
const [distUrl, dir, sizeArg, gzipArg] = process.argv.slice(2);
const { fsCacheStorage } = await import(distUrl);
const { Request, createResponse, fingerprint } = await import('@crawl/core');

// A Crawler's logger has child() (core's Logger): plugins take their component logger from it.
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const storage = fsCacheStorage({ dir, gzip: gzipArg === 'gzip' });
await storage.open({ spider: { name: 'test' }, logger: silent });
const request = new Request('http://a.test/big');
// Random bytes for gzip: incompressible, so the gzipped body is as big as the plain one and takes
// as long to write.
const { randomBytes } = await import('node:crypto');
const body = gzipArg === 'gzip' ? randomBytes(Number(sizeArg)) : Buffer.alloc(Number(sizeArg), 0x61);
const response = createResponse(request.url, { status: 200, headers: { 'Content-Type': 'text/plain' }, body, request });
process.stdout.write('writing\n');
await storage.store(request, response, fingerprint(request));
process.stdout.write('done\n');

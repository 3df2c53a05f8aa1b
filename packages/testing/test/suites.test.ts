import { createHash } from 'node:crypto';
import { defineDownloaderMiddleware, type FilesStore } from '@crawl/core';
import { memoryScheduler } from '@crawl/engine';
import { testDownloaderMiddleware, testFilesStore, testScheduler } from '../src/index.js';

// The engine's memory scheduler meets the suite other backends (jobDir, Redis) will call.
testScheduler('memory (lifo)', () => memoryScheduler(), { order: 'lifo' });
testScheduler('memory (fifo)', () => memoryScheduler({ order: 'fifo' }), { order: 'fifo' });

// An in-memory FilesStore, to run the files-store suite end to end.
function memoryStore(): FilesStore & { files: Map<string, { body: Uint8Array; at: Date }> } {
  const files = new Map<string, { body: Uint8Array; at: Date }>();
  return {
    name: 'memory-store',
    scheme: 'memory',
    files,
    async persist(path, body) {
      files.set(path, { body: body.slice(), at: new Date() });
    },
    async stat(path) {
      const f = files.get(path);
      return f && { lastModified: f.at, size: f.body.byteLength, checksum: createHash('md5').update(f.body).digest('hex') };
    },
  };
}
const shared = memoryStore();
testFilesStore('memory', () => shared, { checksumIsMd5: true, read: async (p) => shared.files.get(p)?.body });

testDownloaderMiddleware('header stamp', () =>
  defineDownloaderMiddleware({
    name: 'test/header-stamp',
    order: 400,
    processRequest(request) {
      request.headers.setDefault('X-Stamp', '1');
    },
    processResponse(_request, response) {
      return response;
    },
  }),
);

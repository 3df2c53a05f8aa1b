import sharp from 'sharp';
import { handlers } from './handlers.js';
import { startTestServer } from './server.js';
import type { TestServer } from './types.js';

export interface ImageSite {
  readonly server: TestServer;
  /** Where the images are on `server`: a JPEG, a PNG with alpha and a WebP. */
  readonly imagePaths: readonly string[];
}

/**
 * A loopback site for media pipeline tests: three real images made with sharp (320x200 JPEG,
 * 120x120 PNG with alpha, 200x300 WebP) and an `/items` HTML page to start a crawl from. Its own
 * subpath (`@crawl/test-servers/images`), so only tests that want images load sharp.
 */
export async function startImageSite(): Promise<ImageSite> {
  const images = [
    { path: '/img/photo.jpg', type: 'image/jpeg', body: await sharp({ create: { width: 320, height: 200, channels: 3, background: '#c03030' } }).jpeg().toBuffer() },
    { path: '/img/logo.png', type: 'image/png', body: await sharp({ create: { width: 120, height: 120, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).png().toBuffer() },
    { path: '/img/pic.webp', type: 'image/webp', body: await sharp({ create: { width: 200, height: 300, channels: 3, background: '#30c030' } }).webp().toBuffer() },
  ];
  const routes = Object.fromEntries(images.map((image) => [`GET ${image.path}`, handlers.bytes(image.body, image.type)]));
  routes['GET /items'] = handlers.bytes('<html><body>items</body></html>', 'text/html');
  return { server: await startTestServer({ routes }), imagePaths: images.map((image) => image.path) };
}

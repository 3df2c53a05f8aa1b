/**
 * The demo project's config: the CLI's default middlewares plus the images pipeline, which
 * stores every cover (as JPEG, with 50x50 and 270x270 thumbnails, 110 px minimum) under
 * out/demo/images at the repository root.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@crawl/cli';
import { demoImagesPipeline } from './src/images.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

export default defineConfig({
  spiders: ['src/spider.ts'],
  itemPipelines: [demoImagesPipeline(join(repoRoot, 'out/demo/images'))],
});

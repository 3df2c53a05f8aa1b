import { createMediaPipeline, type MediaPipeline } from './media-pipeline.js';
import { FILES_PIPELINE_DEFAULTS, resolveMediaOptions, type FilesPipelineOptions } from './options.js';

/**
 * Scrapy's FilesPipeline: downloads the URLs in each item's `file_urls` through the crawl's
 * downloader, stores them as `full/<sha1 of the URL><ext>` and writes `{ url, path, checksum,
 * status }` for each success to `files`, in URL order.
 *
 * @example
 * new Crawler(spider, { downloadHandlers: [httpHandler()], itemPipelines: [filesPipeline({ store: 'out/files' })] });
 */
export function filesPipeline<I = any>(options: FilesPipelineOptions<I>): MediaPipeline<I> {
  const resolved = resolveMediaOptions('filesPipeline', options, FILES_PIPELINE_DEFAULTS);
  return createMediaPipeline({ ...resolved, name: '@crawl/pipeline-files', mediaName: 'file' });
}

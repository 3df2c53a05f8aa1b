import { FileException } from '@crawl/pipeline-files';

/**
 * An image that could not be used (Scrapy's ImageException): reasons 'too-small', 'invalid-image'
 * (undecodable, truncated, over the pixel limit) and 'unsupported-format'.
 */
export class ImageException extends FileException {
  static override readonly CODE: string = 'CRAWL_IMAGE';
  override readonly code: string = ImageException.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, ImageException.CODE];
  }
}

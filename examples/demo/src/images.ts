/**
 * The demo's images step: every cover the spider finds in `image_urls` is stored as a JPEG with a
 * small and a big thumbnail; covers under 110 px on either side are left out, as Scrapy's
 * IMAGES_MIN_WIDTH / IMAGES_MIN_HEIGHT would. `pnpm demo` writes them to out/demo/images.
 */
import { imagesPipeline } from '@crawl/pipeline-images';

/** Thumbnail boxes of the demo, as in Scrapy's IMAGES_THUMBS example. */
export const DEMO_THUMBS = { small: [50, 50], big: [270, 270] } as const;

/** An images pipeline storing under `store` (a directory, e.g. out/demo/images). */
export function demoImagesPipeline(store: string): ReturnType<typeof imagesPipeline> {
  return imagesPipeline({ store, thumbs: DEMO_THUMBS, minWidth: 110, minHeight: 110 });
}

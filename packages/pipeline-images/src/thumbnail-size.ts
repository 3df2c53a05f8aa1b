/** Width and height of a thumbnail box. */
export type ThumbSize = readonly [width: number, height: number];

// Python's min(a, b, key=…): the first of equals wins.
function closest(a: number, b: number, key: (n: number) => number): number {
  return key(b) < key(a) ? b : a;
}

/**
 * The size Pillow's Image.thumbnail() gives an image of `width`x`height` in `box` (what Scrapy's
 * thumbnails use): it fits inside the box keeping the aspect ratio, each side rounded down or up,
 * whichever keeps the ratio closer; undefined when the image already fits, since thumbnail()
 * never enlarges.
 */
export function thumbnailSize(width: number, height: number, box: ThumbSize): [number, number] | undefined {
  let x = Math.floor(box[0]);
  let y = Math.floor(box[1]);
  if (x >= width && y >= height) return undefined;
  const aspect = width / height;
  if (x / y >= aspect) {
    const n = y * aspect;
    x = Math.max(closest(Math.floor(n), Math.ceil(n), (k) => Math.abs(aspect - k / y)), 1);
  } else {
    const n = x / aspect;
    y = Math.max(closest(Math.floor(n), Math.ceil(n), (k) => (k === 0 ? 0 : Math.abs(aspect - x / k))), 1);
  }
  return [x, y];
}

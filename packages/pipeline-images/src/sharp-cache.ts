import sharp from 'sharp';

let holders = 0;
let saved: sharp.CacheResult | undefined;

/**
 * Turns libvips' operation cache off while at least one images pipeline is open, and gives it
 * back the limits it had when the last one closes. The cache is process-wide; it only pays when
 * the same operation runs on the same input twice, which a pipeline converting each image once
 * never does, so it would cost a lookup and a store per operation and hold up to 50 MB.
 */
export function pauseSharpCache(): () => void {
  if (holders++ === 0) {
    saved = sharp.cache();
    sharp.cache(false);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders > 0 || saved === undefined) return;
    sharp.cache({ memory: saved.memory.max, files: saved.files.max, items: saved.items.max });
    saved = undefined;
  };
}

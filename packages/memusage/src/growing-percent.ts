/**
 * Which `--heap-growing-percent` the lean heap should run at, from what is starting its full
 * collections.
 *
 * V8 counts external memory allocated since the last mark-compact (ArrayBuffer backing stores:
 * response bodies, decoded pixels, encoded thumbnails) against the old generation's limit. At the
 * lean 25% that limit is ~16 MB above the live heap, so a crawl that moves many bytes through
 * native code while allocating few JavaScript objects (the images pipeline: sharp works off the
 * main thread) runs a mark-compact every few MB of image data, with no scavenge in between: 33–40
 * mark-compacts on the harness's 2,000-page images run against 8 on a 3,000-page HTML crawl,
 * about 12% of the images run (docs/performance.md, sessions 7 and 8). A page crawl runs 8–23
 * scavenges between two mark-compacts; the images run mostly none.
 *
 * So: once two mark-compacts in a row each follow fewer than `EXTERNAL_DRIVEN_SCAVENGES`
 * scavenges, the limit is relaxed to `RELAXED_GROWING_PERCENT`; once one follows at least
 * `HEAP_DRIVEN_SCAVENGES`, it is lean again. The gap between the two thresholds keeps a crawl
 * that mixes both from flipping at every collection.
 */
export const LEAN_HEAP_GROWING_PERCENT = 25;
export const RELAXED_GROWING_PERCENT = 100;

/** A mark-compact after fewer scavenges than this was started by external memory. */
export const EXTERNAL_DRIVEN_SCAVENGES = 2;
/** A mark-compact after at least this many scavenges was started by the JavaScript heap. */
export const HEAP_DRIVEN_SCAVENGES = 6;

export class GrowingPercentPolicy {
  #scavenges = 0;
  #externalInARow = 0;
  #percent = LEAN_HEAP_GROWING_PERCENT;

  /** The growing percent the heap should run at now. */
  get percent(): number {
    return this.#percent;
  }

  scavenged(): void {
    this.#scavenges++;
  }

  /** Records a mark-compact; returns the new growing percent when it changes. */
  markCompacted(): number | undefined {
    const scavenges = this.#scavenges;
    this.#scavenges = 0;
    this.#externalInARow = scavenges < EXTERNAL_DRIVEN_SCAVENGES ? this.#externalInARow + 1 : 0;
    const next =
      this.#externalInARow >= 2 ? RELAXED_GROWING_PERCENT : scavenges >= HEAP_DRIVEN_SCAVENGES ? LEAN_HEAP_GROWING_PERCENT : this.#percent;
    if (next === this.#percent) return undefined;
    this.#percent = next;
    return next;
  }
}

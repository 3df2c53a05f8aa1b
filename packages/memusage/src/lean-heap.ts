/**
 * V8 sizes its heap for throughput: under a crawl's allocation rate (~200 KB per page) it grows
 * each young-generation semi-space to 16 MiB, and lets the old generation grow up to about four
 * times what survived the last full collection before it collects again. Most of what a crawl
 * promotes is dead by then: responses that lived through a few scavenges, and with them the
 * socket buffers holding their bodies, which V8 frees only at a full collection and glibc keeps
 * once freed. On a 3,000-page crawl that slack is most of the process's peak RSS above the
 * runtime itself (docs/performance.md, session 5).
 *
 * While a crawl runs this keeps two process-wide V8 flags, both read by V8 at each collection:
 * - new space stops growing once it is 8 MiB (two 4 MiB semi-spaces), or at its size when the
 *   crawl opens if that is bigger already (`--semi-space-growth-factor=1`; V8 cannot be asked to
 *   shrink it). Smaller, more survives into the old generation; bigger, more pages are touched
 *   for no fewer collections.
 * - `--heap-growing-percent=25`: a full collection once the old generation has grown 25% past
 *   what survived the last one, so dead responses are freed every few hundred pages. Raised to 100
 *   while external memory rather than the heap starts the full collections (growing-percent.ts).
 * Measured on the shared harness's 3,000-page crawl at concurrency 16 (docs/performance.md): peak
 * RSS 92–95 MB instead of 125–139 MB for about 4% of the pages/s, held from the crawl's open
 * (extensions open before the other plugins, whose opening would otherwise grow new space to
 * 16 MiB first); on 20,000 pages 103–107 MB instead of 181–188 for about 15% (more scavenges and
 * mark-compacts as the crawl's live heap grows).
 *
 * V8's maximum semi-space size is fixed at start-up (`--max-semi-space-size` set at run time does
 * nothing), which is why the cap is kept with the growth factor. A command line that sets any of
 * these heap flags is left alone; when the last holder releases, V8's defaults come back.
 */
import { constants, type PerformanceEntry, PerformanceObserver, type PerformanceObserverEntryList } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { GrowingPercentPolicy, LEAN_HEAP_GROWING_PERCENT } from './growing-percent.js';

/** Both semi-spaces together: V8 reports new space as their sum. */
export const LEAN_NEW_SPACE_BYTES = 8 * 1024 * 1024;

// V8's defaults (node --v8-options), restored on release.
const DEFAULT_GROWTH_FACTOR = 2;
const DEFAULT_HEAP_GROWING_PERCENT = 0;

const HEAP_FLAGS = /--(no-)?(max[-_]semi[-_]space[-_]size|min[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor|heap[-_]growing[-_]percent|optimize[-_]for[-_]size)\b/;

/** True when the command line sizes V8's heap itself. */
export function heapFlagsFromCommandLine(): boolean {
  return HEAP_FLAGS.test(`${process.execArgv.join(' ')} ${process.env['NODE_OPTIONS'] ?? ''}`);
}

function newSpaceBytes(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size;
  return 0;
}

let holders = 0;
let observer: PerformanceObserver | undefined;
let policy: GrowingPercentPolicy | undefined;
let newSpaceCapped = false;

/** Stops new space from growing once it has reached the lean size (or was bigger already). */
function capNewSpaceOnceLean(): void {
  if (newSpaceCapped || newSpaceBytes() < LEAN_NEW_SPACE_BYTES) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  newSpaceCapped = true;
}

/** `detail.kind` (Node ≥ 16), which @types/node 20 does not declare on PerformanceEntry. */
function gcKind(entry: PerformanceEntry): number | undefined {
  return (entry as PerformanceEntry & { detail?: { kind?: number } | null }).detail?.kind;
}

// After each collection: what started it feeds the growing percent, and new space is checked
// against the cap (V8 grows it at most one step per collection, so this catches it at the lean size).
function collected(list: PerformanceObserverEntryList): void {
  for (const entry of list.getEntries()) {
    const kind = gcKind(entry);
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) policy?.scavenged();
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      const percent = policy?.markCompacted();
      if (percent !== undefined) setFlagsFromString(`--heap-growing-percent=${percent}`);
    }
  }
  capNewSpaceOnceLean();
}

/** The heap growing percent the lean heap runs at now; undefined when it is not held. */
export function leanHeapGrowingPercent(): number | undefined {
  return policy?.percent;
}

/**
 * Keeps V8's heap lean until the returned release function is called (once per hold; further
 * calls do nothing). Holds nest: V8's defaults come back when the last is released.
 */
export function holdLeanHeap(): () => void {
  if (heapFlagsFromCommandLine()) return () => {};
  if (holders++ === 0) {
    policy = new GrowingPercentPolicy();
    setFlagsFromString(`--heap-growing-percent=${LEAN_HEAP_GROWING_PERCENT}`);
    capNewSpaceOnceLean();
    observer = new PerformanceObserver(collected);
    observer.observe({ entryTypes: ['gc'] });
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders > 0) return;
    observer?.disconnect();
    observer = undefined;
    policy = undefined;
    newSpaceCapped = false;
    setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR} --heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`);
  };
}

/**
 * undici parses HTTP/1.1 with llhttp compiled to WebAssembly. V8 runs WebAssembly first as
 * baseline code (Liftoff) and, once a function is hot, recompiles it with TurboFan on a
 * background thread. For llhttp that recompilation holds ~30 MB of compiler memory for a fraction
 * of a second and takes its CPU time from the crawl at warm-up (on a crawl pinned to one core, the
 * same core), while the optimised parser is no faster for crawl responses: llhttp skips a body of
 * known length, so it only walks the status line and headers (bare undici loop, 20,000 pages, one
 * core: 7,398 pages/s baseline-only, 7,187 tiered; docs/performance.md).
 *
 * V8 decides tier-up from process-wide flags read while code runs, not per module, so the only
 * way to keep the parser baseline is to keep all WebAssembly of the process baseline. That is
 * done while at least one handler is open (a crawl is running) and undone when the last closes.
 * A command line that sets WebAssembly tiering flags itself is left alone.
 */
import { setFlagsFromString } from 'node:v8';

const BASELINE = '--no-wasm-tier-up --no-wasm-dynamic-tiering';
// V8's defaults; restored only when the command line sets neither (checked below).
const DEFAULT_TIERS = '--wasm-tier-up --wasm-dynamic-tiering';

let holders = 0;

/** True when the command line chooses WebAssembly tiers itself. */
function tiersFromCommandLine(): boolean {
  const flags = `${process.execArgv.join(' ')} ${process.env['NODE_OPTIONS'] ?? ''}`;
  return /--(no-)?(liftoff|wasm[-_]tier[-_]up|wasm[-_]dynamic[-_]tiering)\b/.test(flags);
}

/**
 * Keeps WebAssembly on baseline code until the returned release function is called (once per
 * hold; further calls do nothing). Holds nest: the flags go back to V8's defaults when the last is
 * released.
 */
export function holdBaselineWasm(): () => void {
  if (tiersFromCommandLine()) return () => {};
  if (holders++ === 0) setFlagsFromString(BASELINE);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) setFlagsFromString(DEFAULT_TIERS);
  };
}

/**
 * `node --import @crawl/memusage/register app.js`: keeps V8's heap lean from process start, for
 * the life of the process, for code that loads or allocates much before its crawl opens (memusage()
 * holds it from the crawl's open, before the other plugins: on the harness's 3,000-page crawl both
 * peak at 92–95 MB). A command line that sets heap flags still wins.
 */
import { holdLeanHeap } from './lean-heap.js';

holdLeanHeap();

/**
 * `node --import @crawl/memusage/register app.js`: keeps V8's heap lean from process start, for
 * the life of the process. Held this early, new space is capped before loading the crawl's
 * modules has grown it (92–97 MB peak RSS on the harness's 3,000-page crawl, against 115–120 MB
 * when memusage() holds it from the crawl's open). A command line that sets heap flags still wins.
 */
import { holdLeanHeap } from './lean-heap.js';

holdLeanHeap();

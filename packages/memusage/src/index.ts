export { memusage, peakRss } from './memusage.js';
export { holdLeanHeap, heapFlagsFromCommandLine, leanHeapGrowingPercent, LEAN_NEW_SPACE_BYTES } from './lean-heap.js';
export { LEAN_HEAP_GROWING_PERCENT, RELAXED_GROWING_PERCENT } from './growing-percent.js';
export { MEMUSAGE_DEFAULTS, MEMUSAGE_SETTING_DEFAULTS, type MemusageOptions, type MemusageParams } from './options.js';

export { memusage, peakRss } from './memusage.js';
export { holdLeanHeap, heapFlagsFromCommandLine, LEAN_HEAP_GROWING_PERCENT, LEAN_NEW_SPACE_BYTES } from './lean-heap.js';
export { MEMUSAGE_DEFAULTS, MEMUSAGE_SETTING_DEFAULTS, type MemusageOptions, type MemusageParams } from './options.js';

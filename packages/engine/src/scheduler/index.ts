export { memoryScheduler, type MemoryScheduler, type MemorySchedulerOptions } from './memory-scheduler.js';
export { PriorityQueue, type QueueOrder } from './priority-queue.js';
export { fingerprintDupeFilter, type DupeFilter, type FingerprintDupeFilterOptions } from './dupefilter.js';

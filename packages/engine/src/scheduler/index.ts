export { memoryScheduler, type MemoryScheduler, type MemorySchedulerOptions } from './memory-scheduler.js';
export { PriorityQueue, type QueueOrder } from './priority-queue.js';
export { fingerprintDupeFilter, type DupeFilter, type FingerprintDupeFilterOptions } from './dupefilter.js';
export { diskScheduler, DISK_SCHEDULER_DEFAULTS, type DiskScheduler, type DiskSchedulerOptions } from './disk-scheduler.js';
export type { JobScheduler, StartProgress } from './job-scheduler.js';
export { duplicateLogger } from './dupefilter.js';

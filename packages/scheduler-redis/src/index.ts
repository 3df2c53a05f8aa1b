export { redisScheduler, type RedisScheduler } from './redis-scheduler.js';
export { REDIS_SCHEDULER_DEFAULTS, type RedisSchedulerOptions } from './options.js';
export { crawlKeys, type CrawlKeys } from './keys.js';
export { SCHEMA_VERSION, MAX_PRIORITY, type StoredRequest } from './codec.js';

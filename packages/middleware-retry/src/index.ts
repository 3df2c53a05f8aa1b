export { retry } from './retry.js';
export { getRetryRequest, type GetRetryRequestOptions, type RetryReason } from './get-retry-request.js';
export {
  RETRY_DEFAULTS,
  RETRY_SETTING_DEFAULTS,
  type BackoffOptions,
  type RetryDefaults,
  type RetryAfterOptions,
  type RetryOptions,
} from './options.js';
export { RETRY_EXCEPTIONS, type ErrorClass } from './exceptions.js';
export { parseRetryAfter } from './retry-after.js';

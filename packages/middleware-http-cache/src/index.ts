import './meta.js';

export { httpCache } from './http-cache.js';
export { HTTP_CACHE_DEFAULTS, type HttpCacheOptions, type HttpCacheDefaults } from './options.js';
export { dummyPolicy, DUMMY_POLICY_DEFAULTS, type DummyPolicyOptions, type DummyPolicyDefaults } from './dummy-policy.js';
export { rfc2616Policy, RFC2616_POLICY_DEFAULTS, type Rfc2616Policy, type Rfc2616PolicyOptions, type Rfc2616PolicyDefaults } from './rfc2616-policy.js';
export { parseHttpDate } from './http-date.js';

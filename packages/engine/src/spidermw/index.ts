import './meta.js';

export { httpErrorMiddleware } from './httperror.js';
export { offsiteMiddleware } from './offsite.js';
export { offsiteDownloaderMiddleware } from './offsite-downloader.js';
export { depthMiddleware } from './depth.js';
export { refererMiddleware } from './referer.js';
export { urlLengthMiddleware } from './urllength.js';
export { defaultSpiderMiddlewares } from './defaults.js';
export {
  REFERRER_POLICY_NAMES,
  isReferrerPolicyName,
  parseReferrerPolicy,
  referrerFor,
  type ReferrerPolicyName,
} from '@crawl/core';
export { BUILTIN_SPIDER_MIDDLEWARE_ORDERS, OFFSITE_DOWNLOADER_MIDDLEWARE_ORDER, type MiddlewareOrderOptions } from './orders.js';
export { SPIDER_SETTINGS_DEFAULTS, type EngineSpiderSettings } from './settings.js';

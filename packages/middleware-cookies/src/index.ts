import './meta.js';

export { cookies, type CookiesMiddleware } from './cookies.js';
export { COOKIES_DEFAULTS, type CookiesDefaults, type CookiesOptions } from './options.js';
export type { CookieHeaderRecord, CookieJarKey } from './meta.js';

import './meta.js';

export { proxy } from './proxy.js';
export { PROXY_DEFAULTS, type ProxyAuthEncoding, type ProxyDefaults, type ProxyOptions } from './options.js';

export { defaultHeaders } from './default-headers.js';
export {
  DEFAULT_HEADERS_DEFAULTS,
  DEFAULT_HEADERS_SETTING_DEFAULTS,
  type DefaultHeadersDefaults,
  type DefaultHeadersOptions,
} from './options.js';

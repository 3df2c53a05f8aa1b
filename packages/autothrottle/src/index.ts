export { autothrottle } from './autothrottle.js';
export { nextDelay } from './adjust.js';
export {
  AUTOTHROTTLE_DEFAULTS,
  AUTOTHROTTLE_SETTING_DEFAULTS,
  type AutothrottleDefaults,
  type AutothrottleOptions,
  type ThrottleParams,
} from './options.js';

import './meta.js';

export { robotsTxt, type RobotsTxtMiddleware } from './robotstxt.js';
export { robotsTxtSitemaps } from './registry.js';
export { ROBOTSTXT_DEFAULTS, type RobotsTxtDefaults, type RobotsTxtOptions } from './options.js';
export { ROBOTSTXT_PRIORITY } from './crawler-robots.js';

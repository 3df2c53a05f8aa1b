export { linkExtractor, type LinkExtractor } from './link-extractor.js';
export { LINK_EXTRACTOR_DEFAULTS, type LinkExtractorOptions, type LinkExtractorDefaults, type Patterns } from './options.js';
export { IGNORED_EXTENSIONS } from './ignored-extensions.js';
export type { Link } from './link.js';

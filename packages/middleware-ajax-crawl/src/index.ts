import './meta.js';

export { ajaxCrawl, type AjaxCrawlMiddleware } from './ajax-crawl.js';
export { AJAX_CRAWL_DEFAULTS, type AjaxCrawlDefaults, type AjaxCrawlOptions } from './options.js';
export { escapeAjax } from './escape-ajax.js';
export { hasAjaxCrawlableMeta } from './meta-fragment.js';

import './meta.js';

export { rule, type Rule, type RuleOptions } from './rule.js';
export { crawlSpider, type CrawlSpider, type CrawlSpiderOptions } from './crawl-spider.js';
export { sitemapSpider, SITEMAP_SPIDER_DEFAULTS, type SitemapSpider, type SitemapSpiderOptions, type SitemapRule } from './sitemap-spider.js';
export { SitemapReader, sitemapUrlsFromRobots, type SitemapEntry, type SitemapType } from './sitemap-reader.js';
export { xmlFeedSpider, XML_FEED_SPIDER_DEFAULTS, type XmlFeedSpider, type XmlFeedSpiderOptions } from './xml-feed-spider.js';
export { csvFeedSpider, CSV_FEED_SPIDER_DEFAULTS, type CsvFeedSpider, type CsvFeedSpiderOptions, type CsvRow } from './csv-feed-spider.js';
export { iterXmlNodes, iterXmlNodesAsync, xmlNodeReader, type XmlNodeReader } from './xml-iter.js';
export { iterCsvRecords, iterCsvRecordsAsync, csvRecordReader, type CsvRecordReader, type CsvOptions } from './csv-iter.js';
export type { FeedHooks } from './feed-spider.js';
export { itemSchemas, ITEM_SCHEMAS_DEFAULTS, type ItemSchemasOptions, type ItemSchemasDefaults, type SchemaProvider } from './item-schemas.js';
export { ValidationError } from './validation-error.js';
export { isStandardSchema, type StandardSchemaV1, type StandardSchemaV1Props, type StandardSchemaV1Result, type StandardSchemaV1Issue, type InferOutput } from './standard-schema.js';
export type { SpiderBaseOptions } from './spider-base.js';

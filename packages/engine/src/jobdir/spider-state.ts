import { ConfigError, type Plugin } from '@crawl/core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';
import { isRecord, nonPlainPath, parsePlainJson } from './plain-data.js';
import { JOB_SCHEMA_VERSION } from './request-codec.js';
import { jobFileError } from './records.js';

declare module '@crawl/core' {
  interface Spider<I = unknown> {
    /**
     * Scrapy's `spider.state`: a plain JSON object kept in the job directory between runs of a
     * job (set when jobDir is set; saved when the spider closes).
     */
    state?: Record<string, unknown>;
  }
}

const FILE = 'spider.state';

/**
 * Scrapy's SpiderState extension: loads `spider.state` from the job directory when the spider
 * opens (an empty object on the first run) and saves it when it closes.
 */
export function spiderState(dir: string): Plugin {
  const path = join(dir, FILE);
  return {
    name: '@crawl/engine/spider-state',
    open(crawler) {
      let state: Record<string, unknown> = {};
      if (existsSync(path)) {
        let value: unknown;
        try {
          value = parsePlainJson(readFileSync(path, 'utf8'));
        } catch (error) {
          throw jobFileError(path, undefined, `not valid JSON (${(error as Error).message})`);
        }
        if (!isRecord(value) || value['v'] !== JOB_SCHEMA_VERSION || !isRecord(value['state']) || Object.keys(value).length !== 2) {
          throw jobFileError(path, undefined, `expected {"v":${JOB_SCHEMA_VERSION},"state":{...}}`);
        }
        state = value['state'];
      }
      try {
        crawler.spider.state = state;
      } catch (cause) {
        throw new ConfigError(`jobDir: cannot set state on spider ${crawler.spider.name} (is the spider object frozen?)`, { cause });
      }
    },
    close(crawler) {
      const state = crawler.spider.state ?? {};
      const bad = nonPlainPath(state, 'spider.state');
      if (bad !== undefined) {
        crawler.logger.child('@crawl/engine/spider-state').error(`Spider state not saved to ${path}: ${bad} is not plain JSON data`);
        return;
      }
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(path, `${JSON.stringify({ v: JOB_SCHEMA_VERSION, state })}\n`);
    },
  };
}

import { type Response } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';

/** Crawls one URL through a real Crawler + httpHandler and returns what `extract` made of the response. */
export async function fromCrawl<T>(url: string, extract: (response: Response) => T): Promise<T> {
  let result: { value: T } | undefined;
  let failure: unknown;
  const spider = {
    name: 'extract',
    startUrls: [url],
    parse(response: Response) {
      try {
        result = { value: extract(response) };
      } catch (error) {
        failure = error;
      }
    },
  };
  await new Crawler(spider, { downloadHandlers: [httpHandler()], settings: { logLevel: 'silent', logStatsInterval: 0 } }).crawl();
  if (failure !== undefined) throw failure;
  if (result === undefined) throw new Error(`no response for ${url}`);
  return result.value;
}

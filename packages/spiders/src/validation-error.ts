import { DropItem, type CrawlErrorOptions } from '@crawl/core';
import type { StandardSchemaV1Issue } from './standard-schema.js';

function formatPath(path: StandardSchemaV1Issue['path']): string {
  if (path === undefined || path.length === 0) return '';
  return path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
}

/** Formats issues as `path: message; …` for logs. */
export function formatIssues(issues: readonly StandardSchemaV1Issue[]): string {
  return issues.map((i) => (i.path?.length ? `${formatPath(i.path)}: ${i.message}` : i.message)).join('; ');
}

/** An item failed its schema; it is dropped (counted as item_dropped_reasons_count/ValidationError). */
export class ValidationError extends DropItem {
  static override readonly CODE: string = 'CRAWL_VALIDATION_ERROR';
  override readonly code: string = ValidationError.CODE;
  readonly issues: readonly StandardSchemaV1Issue[];
  constructor(issues: readonly StandardSchemaV1Issue[], options?: CrawlErrorOptions) {
    super(`item failed validation: ${formatIssues(issues)}`, options);
    this.issues = issues;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, ValidationError.CODE];
  }
}

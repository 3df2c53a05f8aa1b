import type { HtmlResponse } from '@crawl/core';
import { parseRefreshContent, type Refresh } from './refresh-content.js';

interface MarkupNode {
  readonly type?: string;
  readonly name?: string;
  readonly attribs?: Record<string, string>;
  readonly parent?: MarkupNode | null;
}

const HTTP_EQUIV = /http-equiv/i;

function insideIgnored(node: MarkupNode, ignoreTags: ReadonlySet<string>): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.name !== undefined && ignoreTags.has(p.name.toLowerCase())) return true;
  return false;
}

/**
 * Whether the page's text mentions http-equiv. From the bytes where @crawl/core can
 * (textIncludesAscii): the check runs on every page at download, and decoding there would keep
 * each page's text with its response until the callback, which under high concurrency is long
 * enough for V8 to promote it. An older core without it decodes.
 */
function mentionsHttpEquiv(response: HtmlResponse): boolean {
  return typeof response.textIncludesAscii === 'function' ? response.textIncludesAscii('http-equiv') : HTTP_EQUIV.test(response.text);
}

/**
 * The page's first `<meta http-equiv="refresh">` outside `ignoreTags`, as a browser takes the
 * first one, or undefined. Pages without "http-equiv" in their text are not parsed.
 */
export function findMetaRefresh(response: HtmlResponse, ignoreTags: ReadonlySet<string>): Refresh | undefined {
  if (!mentionsHttpEquiv(response)) return undefined;
  for (const value of response.css('meta[http-equiv]').nodes()) {
    if (typeof value === 'string') continue;
    const node = value as MarkupNode;
    const attribs = node.attribs;
    if (attribs === undefined || attribs['http-equiv']?.trim().toLowerCase() !== 'refresh') continue;
    if (ignoreTags.size > 0 && insideIgnored(node, ignoreTags)) continue;
    const content = attribs['content'];
    if (content === undefined) continue;
    const refresh = parseRefreshContent(content);
    if (refresh !== undefined) return refresh;
  }
  return undefined;
}

/**
 * What response.follow()/followAll() turn a target into: the link of an element
 * (`href` of <a>, <area> and <link>, `src` of <img>) or an attribute/text value, stripped of
 * HTML whitespace as Scrapy's strip_html5_whitespace does.
 */
import type { AnyNode } from 'domhandler';

const HTML5_WHITESPACE = /^[ \t\n\r\f]+|[ \t\n\r\f]+$/g;
const LINK_ATTRIBUTE: Readonly<Record<string, string>> = { a: 'href', area: 'href', link: 'href', img: 'src' };
// Links that name no document to download: scripts, mail, phone numbers and inline data.
const UNFOLLOWABLE = /^(?:javascript|mailto|tel|data):/i;

export function stripHtml5Whitespace(value: string): string {
  return value.replace(HTML5_WHITESPACE, '');
}

/** The link of a selector value, or a reason why it has none. */
export function linkOf(value: AnyNode | string): { link: string } | { reason: string } {
  if (typeof value === 'string') return { link: stripHtml5Whitespace(value) };
  const element = value as { name?: string; attribs?: Record<string, string> };
  const attr = element.name !== undefined ? LINK_ATTRIBUTE[element.name.toLowerCase()] : undefined;
  if (attr === undefined) {
    return { reason: `only <a>, <area>, <link> (href) and <img> (src) elements are supported, got ${element.name ? `<${element.name}>` : `a ${value.type} node`}` };
  }
  const link = element.attribs?.[attr];
  if (link === undefined) return { reason: `<${element.name}> element has no ${attr} attribute` };
  return { link: stripHtml5Whitespace(link) };
}

/** javascript:, mailto:, tel: and data: links, which followAll() skips. */
export function isUnfollowable(link: string): boolean {
  return UNFOLLOWABLE.test(link);
}

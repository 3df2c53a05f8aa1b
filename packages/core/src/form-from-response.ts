/**
 * FormRequest.fromResponse(): Scrapy's FormRequest.from_response (its _get_form, _get_inputs and
 * _get_clickable) over the document cheerio parsed, so a login or search form is submitted the
 * way Scrapy submits it.
 */
import type { CheerioAPI } from 'cheerio/slim';
import { isTag, type AnyNode, type Element } from 'domhandler';
import { ConfigError, FormNotFoundError } from './errors.js';
import { stripHtml5Whitespace } from './follow.js';
import type { FormRequest, FormRequestOptions } from './form-request.js';
import type { CbKwargsOption, RequestBaseOptions, RequestOptionsArg } from './request.js';
import type { Response } from './response.js';
import { parseMarkup } from './selector.js';
import { evaluateXPath } from './xpath.js';

type FieldValue = string | number;

/** Fields to set on the form; `null` removes a field the form has. Arrays give repeated fields. */
export type FromResponseFormData =
  | Readonly<Record<string, FieldValue | readonly FieldValue[] | null>>
  | Iterable<readonly [string, FieldValue | readonly FieldValue[] | null]>;

export interface FromResponseFields {
  /** Use the form whose `name` attribute is this (falls back to `formnumber` when absent, as in Scrapy). */
  formname?: string;
  /** Use the form whose `id` attribute is this (falls back to `formnumber` when absent, as in Scrapy). */
  formid?: string;
  /** Use the form containing the first node this XPath matches. */
  formxpath?: string;
  /** Use the form containing the first element this CSS selector matches. */
  formcss?: string;
  /** Zero-based index of the form in the page (negative counts from the end); default 0. */
  formnumber?: number;
  /** Fields overriding the form's; a `null` value leaves the field out. */
  formdata?: FromResponseFormData;
  /** Attributes identifying the control to click, or `nr`: its index among the form's input/select/textarea elements. */
  clickdata?: Readonly<Record<string, string | number>>;
  /** Submit without clicking any control (default false). */
  dontClick?: boolean;
  /** Submit to this URL (resolved against the page) instead of the form's action. */
  url?: string;
  /** Encoding of the submitted fields; default: the response's encoding, as browsers and Scrapy do. */
  formEncoding?: string;
}

export type FromResponseOptions<K extends object = Record<string, unknown>> = Omit<RequestBaseOptions<K>, 'body'> & CbKwargsOption<K> & FromResponseFields;

/** fromResponse()'s options argument: optional unless the cbKwargs are required. */
export type FromResponseArg<K extends object> = RequestOptionsArg<FromResponseOptions<K>, K>;

const FORM_OPTIONS = ['formname', 'formid', 'formxpath', 'formcss', 'formnumber', 'formdata', 'clickdata', 'dontClick', 'url', 'formEncoding'];
const REQUEST_OPTIONS = ['method', 'headers', 'meta', 'cbKwargs', 'callback', 'errback', 'priority', 'dontFilter', 'flags', 'cookies', 'internal'];
const ALLOWED = new Set([...FORM_OPTIONS, ...REQUEST_OPTIONS]);
const VALID_METHODS = new Set(['GET', 'POST']);

type Pair = [string, string];

function* descendants(root: Element): Generator<Element> {
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isTag(node)) continue;
    yield node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

function documentOf($: CheerioAPI): AnyNode {
  return $.root()[0]!;
}

function enclosingForm(node: AnyNode | string | undefined): Element | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  for (let n: AnyNode | null = node; n; n = n.parent) if (isTag(n) && n.name === 'form') return n;
  return undefined;
}

function findForm($: CheerioAPI, response: Response, options: Pick<FromResponseOptions, 'formname' | 'formid' | 'formxpath' | 'formcss' | 'formnumber'>): Element {
  const forms = $('form').toArray().filter(isTag);
  if (forms.length === 0) throw new FormNotFoundError(`No <form> element found in ${response}`);
  const tried: string[] = [];
  if (options.formname !== undefined) {
    const form = forms.find((f) => f.attribs['name'] === options.formname);
    if (form) return form;
    tried.push(`no form named ${JSON.stringify(options.formname)}`);
  }
  if (options.formid !== undefined) {
    const form = forms.find((f) => f.attribs['id'] === options.formid);
    if (form) return form;
    tried.push(`no form with id ${JSON.stringify(options.formid)}`);
  }
  const also = tried.length > 0 ? ` (and ${tried.join(', ')})` : '';
  if (options.formxpath !== undefined) {
    const form = enclosingForm(evaluateXPath([documentOf($)], options.formxpath)[0]);
    if (form) return form;
    throw new FormNotFoundError(`No <form> element found with XPath ${options.formxpath}${also} in ${response}`);
  }
  if (options.formcss !== undefined) {
    let first: AnyNode | undefined;
    try {
      first = $(options.formcss).toArray()[0];
    } catch (cause) {
      throw new ConfigError(`FormRequest.fromResponse(): invalid formcss ${JSON.stringify(options.formcss)}: ${(cause as Error).message}`, { cause });
    }
    const form = enclosingForm(first);
    if (form) return form;
    throw new FormNotFoundError(`No <form> element found with CSS ${options.formcss}${also} in ${response}`);
  }
  const n = options.formnumber ?? 0;
  if (!Number.isInteger(n)) throw new ConfigError(`FormRequest.fromResponse(): formnumber must be an integer, got ${String(n)}`);
  const form = forms.at(n);
  if (form === undefined || n >= forms.length) {
    throw new FormNotFoundError(`Form number ${n} not found${also} in ${response}, which has ${forms.length} form${forms.length === 1 ? '' : 's'}`);
  }
  return form;
}

/** Disabled controls are not submitted (HTML's rule; Scrapy submits them): own attribute or a disabled fieldset outside its first legend. */
function isDisabled(control: Element, form: Element): boolean {
  if (control.attribs['disabled'] !== undefined) return true;
  for (let child: Element = control, n = control.parent; n && n !== form; child = n as Element, n = n.parent) {
    if (!isTag(n) || n.name !== 'fieldset' || n.attribs['disabled'] === undefined) continue;
    const legend = n.children.find((c): c is Element => isTag(c) && c.name === 'legend');
    if (legend !== child) return true;
  }
  return false;
}

/** lxml's `option.text`: the text before the option's first child element. */
function optionText(option: Element): string {
  const first = option.children[0];
  return first && first.type === 'text' ? (first as unknown as { data: string }).data : '';
}

function options(select: Element): Element[] {
  const out: Element[] = [];
  for (const el of descendants(select)) if (el.name === 'option') out.push(el);
  return out;
}

/** lxml's SelectElement.value and Scrapy's _select_value: what a <select> submits. */
function selectValues(select: Element): string[] {
  const opts = options(select);
  if (select.attribs['multiple'] !== undefined) {
    // Scrapy 2.8 strips selected values (value attribute, else text) of surrounding whitespace.
    return opts.filter((o) => o.attribs['selected'] !== undefined).map((o) => (o.attribs['value'] || optionText(o)).trim());
  }
  let chosen: Element | undefined;
  for (let i = opts.length - 1; i >= 0 && chosen === undefined; i--) if (opts[i]!.attribs['selected'] !== undefined) chosen = opts[i];
  chosen ??= opts.find((o) => o.attribs['disabled'] === undefined) ?? opts[0];
  if (chosen === undefined) return [];
  return [chosen.attribs['value'] ?? optionText(chosen).trim()];
}

const SKIPPED_INPUT = /^(?:submit|image|reset)$/i;
const CHECKABLE = /^(?:checkbox|radio)$/i;

/** Scrapy's _get_inputs without the click: the pre-filled fields, in document order. */
function formFields(form: Element, overridden: ReadonlySet<string>): Pair[] {
  const out: Pair[] = [];
  for (const el of descendants(form)) {
    if (el.name !== 'input' && el.name !== 'select' && el.name !== 'textarea') continue;
    const name = el.attribs['name'];
    if (!name || overridden.has(name) || isDisabled(el, form)) continue;
    if (el.name === 'textarea') {
      // Raw text, as lxml reads it (htmlparser2, like libxml2, keeps textarea content verbatim).
      out.push([name, el.children.map((c) => (c.type === 'text' ? (c as unknown as { data: string }).data : '')).join('')]);
    } else if (el.name === 'select') {
      for (const v of selectValues(el)) out.push([name, v]);
    } else {
      const type = el.attribs['type'];
      if (type !== undefined && SKIPPED_INPUT.test(type)) continue;
      if (type !== undefined && CHECKABLE.test(type)) {
        if (el.attribs['checked'] !== undefined) out.push([name, el.attribs['value'] || 'on']);
        continue;
      }
      out.push([name, el.attribs['value'] ?? '']);
    }
  }
  return out;
}

function isClickable(el: Element): boolean {
  const type = el.attribs['type'];
  if (el.name === 'input') return type !== undefined && /^(?:submit|image)$/i.test(type);
  if (el.name === 'button') return type === undefined || /^submit$/i.test(type);
  return false;
}

/** Scrapy's _get_clickable: the control whose name and value the click adds. */
function clicked(form: Element, clickdata: Readonly<Record<string, string | number>> | undefined): [string | undefined, string] | undefined {
  const controls = [...descendants(form)];
  const clickables = controls.filter((el) => isClickable(el) && !isDisabled(el, form));
  if (clickables.length === 0) return undefined;
  const pick = (el: Element): [string | undefined, string] => [el.attribs['name'], el.attribs['value'] || ''];
  if (clickdata === undefined) return pick(clickables[0]!);
  const nr = clickdata['nr'];
  if (nr !== undefined) {
    const inputs = controls.filter((el) => el.name === 'select' || el.name === 'input' || el.name === 'textarea');
    const index = Number(nr);
    const el = Number.isInteger(index) && index < inputs.length ? inputs.at(index) : undefined;
    if (el) return pick(el);
  }
  const criteria = Object.entries(clickdata);
  const matches = controls.filter((el) => criteria.every(([k, v]) => el.attribs[k] === String(v)));
  if (matches.length === 1) return pick(matches[0]!);
  if (matches.length > 1) throw new ConfigError(`FormRequest.fromResponse(): multiple elements (${matches.length}) match the criteria in clickdata: ${JSON.stringify(clickdata)}`);
  throw new ConfigError(`FormRequest.fromResponse(): no clickable element matching clickdata: ${JSON.stringify(clickdata)}`);
}

function formdataPairs(formdata: FromResponseFormData | undefined): [string, FieldValue | readonly FieldValue[] | null][] {
  if (formdata === undefined) return [];
  const invalid = () => new ConfigError('FormRequest.fromResponse(): formdata should be an object or an iterable of [key, value] pairs');
  if (typeof formdata !== 'object' || formdata === null) throw invalid();
  if (!(Symbol.iterator in formdata)) return Object.entries(formdata);
  const out: [string, FieldValue | readonly FieldValue[] | null][] = [];
  for (const pair of formdata as Iterable<unknown>) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') throw invalid();
    out.push([pair[0], pair[1] as FieldValue | readonly FieldValue[] | null]);
  }
  return out;
}

function documentFor(response: Response): CheerioAPI {
  try {
    return response.$;
  } catch {
    // A text response that is not typed as HTML: parse it as HTML, as Scrapy does.
    return parseMarkup(response.text, false);
  }
}

function baseUrl($: CheerioAPI, url: string): string {
  const href = $('base[href]').first().attr('href')?.trim();
  if (href) {
    try {
      return new URL(href, url).href;
    } catch {
      // An unparsable <base href> is ignored, as browsers do.
    }
  }
  return url;
}

function responseEncoding(response: Response): string | undefined {
  const encoding = (response as { encoding?: unknown }).encoding;
  return typeof encoding === 'string' ? encoding : undefined;
}

export function formRequestFromResponse<K extends object>(
  Ctor: new (url: string, options: FormRequestOptions<K>) => FormRequest<K>,
  response: Response,
  options: FromResponseOptions<K>,
): FormRequest<K> {
  for (const key of Object.keys(options)) {
    if (!ALLOWED.has(key)) throw new ConfigError(`FormRequest.fromResponse(): unknown option ${JSON.stringify(key)} (allowed: ${[...ALLOWED].join(', ')})`);
  }
  const { formname: _n, formid: _i, formxpath: _x, formcss: _c, formnumber: _f, formdata, clickdata, dontClick, url, formEncoding, method, ...requestOptions } =
    options as FromResponseFields & Omit<RequestBaseOptions<K>, 'body'>;
  const $ = documentFor(response);
  const form = findForm($, response, options);

  const extra = formdataPairs(formdata);
  const overridden = new Set(extra.map(([k]) => k));
  const pairs = formFields(form, overridden);
  if (!dontClick) {
    const click = clicked(form, clickdata);
    if (click && click[0] && !overridden.has(click[0])) pairs.push([click[0], click[1]]);
  }
  for (const [k, v] of extra) {
    if (v === null) continue;
    if (Array.isArray(v)) for (const item of v as readonly FieldValue[]) pairs.push([k, String(item)]);
    else pairs.push([k, String(v)]);
  }

  const base = baseUrl($, response.url);
  const action = form.attribs['action'];
  let target = url !== undefined ? new URL(url, base).href : action === undefined ? base : new URL(stripHtml5Whitespace(action), base).href;
  const wanted = (method ?? form.attribs['method'] ?? 'GET').toUpperCase();
  const finalMethod = VALID_METHODS.has(wanted) ? wanted : 'GET';
  if (finalMethod === 'GET' && pairs.length > 0) {
    // The form's fields replace the action's query string, as in browsers and Scrapy.
    const u = new URL(target);
    u.search = '';
    target = u.href;
  }
  const encoding = formEncoding ?? responseEncoding(response);
  return new Ctor(target, {
    ...requestOptions,
    method: finalMethod,
    ...(pairs.length > 0 ? { formdata: pairs } : {}),
    ...(encoding !== undefined ? { formEncoding: encoding } : {}),
  } as unknown as FormRequestOptions<K>);
}

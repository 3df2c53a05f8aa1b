import type { CheerioAPI } from 'cheerio/slim';
import type { PeerCertificate } from 'node:tls';
import { assertAsciiWord, bytesIncludeAsciiCaseless, textIncludesAsciiCaseless } from './ascii-search.js';
import { declaredEncoding, decodeDeclared, type DecodeHints, type DeclaredEncoding } from './encoding.js';
import { InvalidUrlError, NotSupported, SelectorError } from './errors.js';
import { isUnfollowable, linkOf } from './follow.js';
import { joinPlainLink, linkBase, type LinkBase } from './join-link.js';
import { Headers, type HeadersInit } from './headers.js';
import { handOffParsedUrl, Request, type RequestMeta, type RequestOptions, type RequestOptionsArg } from './request.js';
import { MarkupDocument, SelectorList } from './selector.js';
import type { XPathOptions } from './xpath.js';

export interface ResponseInit {
  status?: number;
  headers?: HeadersInit;
  body?: Uint8Array | string;
  request?: Request<any> | undefined;
  flags?: readonly string[];
  /** The server's IP address, when known (Scrapy's `ip_address`). */
  ipAddress?: string | undefined;
  /** 'HTTP/1.1', 'HTTP/2', … */
  protocol?: string | undefined;
  /** The server's TLS certificate, for https responses. */
  certificate?: PeerCertificate | undefined;
  /** The body as a one-shot stream, when the request asked for `meta.streamBody`; `body` is then empty. */
  bodyStream?: BodyStream | undefined;
  /** Set for text responses to force an encoding instead of sniffing one. */
  encoding?: string | undefined;
}

/** The Request constructor with its options as one typed parameter (the rest-parameter form would build an array per link). */
type RequestWithOptions<K extends object> = new (url: string, options: RequestOptions<K>) => Request<K>;

/** Options for response.follow(): a Request's options without the URL. */
export type FollowOptions<K extends object = Record<string, unknown>> = RequestOptions<K>;

/** Something response.follow() can turn into a URL: a string, a URL, a SelectorList of link elements or of attribute values. */
export type FollowTarget = string | URL | SelectorList;

/**
 * A response body delivered as it arrives: iterate it once (`for await`), or `destroy()` it to
 * release the connection without reading. A Node Readable is one.
 */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

const encoder = new TextEncoder();

/**
 * A downloaded response. Binary responses are plain `Response`; text and markup get
 * TextResponse / HtmlResponse / XmlResponse (see `createResponse`). Text methods on a
 * binary response throw NotSupported, as in Scrapy.
 */
export class Response {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  readonly request: Request<any> | undefined;
  readonly flags: readonly string[];
  /** The server's IP address, when known. */
  readonly ipAddress: string | undefined;
  readonly protocol: string | undefined;
  /** The server's TLS certificate (https only; includes issuer, validity, fingerprint256, raw). */
  readonly certificate: PeerCertificate | undefined;
  /**
   * Set when the request asked for `meta.streamBody` and the status was 2xx: the body arrives
   * here (read it once, or destroy it) and `body` is empty.
   */
  readonly bodyStream: BodyStream | undefined;
  // What followAll() joins plain links against: taken apart on its first link (null: not http(s)).
  #linkBase: LinkBase | null | undefined;

  constructor(url: string, init: ResponseInit = {}) {
    this.url = url;
    this.status = init.status ?? 200;
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = typeof init.body === 'string' ? encoder.encode(init.body) : (init.body ?? new Uint8Array(0));
    this.request = init.request;
    this.flags = init.flags ? [...init.flags] : [];
    this.ipAddress = init.ipAddress;
    this.protocol = init.protocol;
    this.certificate = init.certificate;
    this.bodyStream = init.bodyStream;
  }

  /** Short for `ipAddress`. */
  get ip(): string | undefined {
    return this.ipAddress;
  }

  /** The request's meta (Scrapy's response.meta). */
  get meta(): RequestMeta & Record<string, unknown> {
    if (!this.request) throw new NotSupported(`Response.meta is not available: the response for ${this.url} is not tied to a request`);
    return this.request.meta;
  }

  get cbKwargs(): Record<string, unknown> {
    if (!this.request) throw new NotSupported(`Response.cbKwargs is not available: the response for ${this.url} is not tied to a request`);
    return this.request.cbKwargs as Record<string, unknown>;
  }

  get text(): string {
    throw new NotSupported(`Response content isn't text (${this.url})`);
  }

  css(_query: string): SelectorList {
    throw new NotSupported(`Response content isn't text: no selectors for ${this.url}`);
  }

  xpath(_query: string, _options?: XPathOptions): SelectorList {
    throw new NotSupported(`Response content isn't text: no selectors for ${this.url}`);
  }

  /** The parsed document as a cheerio API (for users who prefer cheerio to selectors). */
  get $(): CheerioAPI {
    throw new NotSupported(`Response content isn't text: no document for ${this.url}`);
  }

  json<T = unknown>(): T {
    throw new NotSupported(`Response content isn't text: cannot parse JSON from ${this.url}`);
  }

  /** Resolves a URL against this response's URL (and <base href> for HTML). */
  urljoin(url: string | URL): string {
    return this.#join(url).href;
  }

  #join(url: string | URL): URL {
    const base = this.baseUrl();
    try {
      return new URL(String(url), base);
    } catch (error) {
      // WHATWG URL throws a bare TypeError; callers (and errbacks, and stats) need the typed error.
      throw new InvalidUrlError(String(url), `cannot be resolved against ${base}`, { cause: error });
    }
  }

  protected baseUrl(): string {
    return this.url;
  }

  /**
   * A Request for a relative or absolute URL, an element of a SelectorList (`href` of <a>,
   * <area>, <link>; `src` of <img>) or an attribute/text value, resolved against this response
   * (and its <base href>). Like Scrapy, meta is not inherited: pass what you need. Like Scrapy,
   * a `mailto:` or `javascript:` target still gives a Request (the downloader then fails it with
   * UnsupportedSchemeError); followAll() is the one that skips them.
   */
  follow<K extends object = Record<string, unknown>>(target: FollowTarget, ...options: RequestOptionsArg<FollowOptions<K>, K>): Request<K> {
    return new Request<K>(this.#resolveTarget(target), ...options);
  }

  /**
   * Requests for many targets, or for every match of `{ css }` / `{ xpath }`. As in Scrapy,
   * elements that carry no link are skipped; unlike Scrapy, so are `javascript:`, `mailto:`,
   * `tel:` and `data:` links, which no download handler fetches.
   */
  followAll<K extends object = Record<string, unknown>>(
    targets: Iterable<FollowTarget> | { css: string } | { xpath: string },
    ...[options = {} as FollowOptions<K>]: RequestOptionsArg<FollowOptions<K>, K>
  ): Request<K>[] {
    const out: Request<K>[] = [];
    const opts = options as RequestOptions<K>;
    if ('css' in targets && typeof targets.css === 'string') this.#followNodes(this.css(targets.css), opts, out);
    else if ('xpath' in targets && typeof targets.xpath === 'string') this.#followNodes(this.xpath(targets.xpath), opts, out);
    else {
      for (const target of targets as Iterable<FollowTarget>) {
        if (target instanceof SelectorList) this.#followNodes(target, opts, out);
        else this.#followLink(String(target), opts, out);
      }
    }
    return out;
  }

  #followNodes<K extends object>(list: SelectorList, options: RequestOptions<K>, out: Request<K>[]): void {
    for (const node of list.nodes()) {
      const found = linkOf(node);
      if ('link' in found) this.#followLink(found.link, options, out);
    }
  }

  #followLink<K extends object>(link: string, options: RequestOptions<K>, out: Request<K>[]): void {
    if (isUnfollowable(link)) return;
    const base = this.#linkBase === undefined ? (this.#linkBase = linkBase(this.baseUrl())) : this.#linkBase;
    if (base !== null) {
      const plain = joinPlainLink(base, link);
      if (plain !== undefined) {
        out.push(new (Request as RequestWithOptions<K>)(handOffParsedUrl(plain, base.hostname), options));
        return;
      }
    }
    const url = this.#join(link);
    out.push(new (Request as RequestWithOptions<K>)(handOffParsedUrl(url.href, url.hostname), options));
  }

  #resolveTarget(target: FollowTarget): string {
    if (typeof target === 'string' || target instanceof URL) return this.urljoin(target);
    const node = target.nodes()[0];
    if (node === undefined) throw new SelectorError(`response.follow(): empty selector list (${this.url})`);
    const found = linkOf(node);
    if ('reason' in found) throw new SelectorError(`response.follow(): ${found.reason} (${this.url})`);
    return this.urljoin(found.link);
  }

  /** A copy with some fields changed. The class stays the same unless `cls` is given. */
  replace(changes: Partial<ResponseInit> & { url?: string } = {}): Response {
    const Ctor = this.constructor as new (url: string, init: ResponseInit) => Response;
    return new Ctor(changes.url ?? this.url, {
      status: changes.status ?? this.status,
      headers: changes.headers ?? this.headers.clone(),
      body: changes.body ?? this.body,
      request: 'request' in changes ? changes.request : this.request,
      flags: changes.flags ?? this.flags,
      ipAddress: 'ipAddress' in changes ? changes.ipAddress : this.ipAddress,
      protocol: 'protocol' in changes ? changes.protocol : this.protocol,
      certificate: 'certificate' in changes ? changes.certificate : this.certificate,
      bodyStream: 'bodyStream' in changes ? changes.bodyStream : this.bodyStream,
      ...(changes.encoding !== undefined ? { encoding: changes.encoding } : {}),
    });
  }

  /**
   * Lets go of what was made from the body: the decoded text, and the HTML/XML document behind
   * `css()` and `xpath()`; each is made again if asked for. The engine calls it once a callback's
   * output is consumed, so that responses whose items wait in pipelines (slow ones such as
   * images and uploads, or behind many pages under high concurrency) keep their bytes but not
   * their text and documents. Nothing to release here; see the text and markup responses.
   */
  releaseDocument(): void {}

  toString(): string {
    return `<${this.status} ${this.url}>`;
  }
}

/** A response with a decoded text body. */
export class TextResponse extends Response {
  readonly #explicitEncoding: string | undefined;
  #decoded: { text: string; encoding: string } | undefined;
  #declared: DeclaredEncoding | null | undefined;

  constructor(url: string, init: ResponseInit = {}) {
    super(url, init);
    this.#explicitEncoding = init.encoding;
  }

  #decode(): { text: string; encoding: string } {
    this.#decoded ??= decodeDeclared(this.body, this.#declaredEncoding());
    return this.#decoded;
  }

  /** The encoding known before decoding (null: inferred from the bytes), sniffed once per response. */
  #declaredEncoding(): DeclaredEncoding | null {
    if (this.#declared === undefined) {
      const hints: DecodeHints = { explicit: this.#explicitEncoding, contentType: this.headers.get('content-type'), sniffBody: this.sniffsDeclaredEncoding() };
      this.#declared = declaredEncoding(this.body, hints) ?? null;
    }
    return this.#declared;
  }

  /**
   * Whether the text contains `word` (printable ASCII) in any ASCII letter case, as
   * `/word/i.test(response.text)` says. Unless the body is UTF-16, a body whose bytes do not hold
   * the word is answered from the bytes: the text is not decoded, so a downloader middleware can
   * check every page for a marker without the decoded text staying with each response until its
   * callback runs (where it would survive into V8's old generation under load).
   */
  textIncludesAscii(word: string): boolean {
    assertAsciiWord(word);
    if (this.#decoded === undefined) {
      const encoding = this.#declaredEncoding()?.encoding;
      if (encoding !== 'utf-16le' && encoding !== 'utf-16be') {
        if (!bytesIncludeAsciiCaseless(this.body, word)) return false;
        // In UTF-8 and windows-1252 (the two an undeclared body is decoded as) every ASCII byte is
        // its own character, so a byte match is a text match; in other multi-byte encodings it may
        // be the second byte of a character and is checked on the text.
        if (encoding === undefined || encoding === 'utf-8' || encoding === 'windows-1252') return true;
      }
    }
    return textIncludesAsciiCaseless(this.text, word);
  }

  /**
   * Also lets go of the decoded text, decoded again if asked for: a response waiting for its items
   * to clear the pipelines otherwise keeps a copy of its body as a string.
   */
  override releaseDocument(): void {
    this.#decoded = undefined;
  }

  protected sniffsDeclaredEncoding(): boolean {
    return false;
  }

  override get text(): string {
    return this.#decode().text;
  }

  /** The encoding the body was decoded with (WHATWG name). */
  get encoding(): string {
    return this.#decode().encoding;
  }

  override json<T = unknown>(): T {
    return JSON.parse(this.text) as T;
  }

  override replace(changes: Partial<ResponseInit> & { url?: string } = {}): Response {
    return super.replace({ encoding: this.#explicitEncoding ?? this.encoding, ...changes });
  }
}

/** Shared by HTML and XML: a lazily parsed document, once per response. */
abstract class MarkupResponse extends TextResponse {
  #document: MarkupDocument | undefined;

  protected abstract readonly xml: boolean;

  protected override sniffsDeclaredEncoding(): boolean {
    return true;
  }

  /** Parsed once; a cheerio instance is bound to it only when `$` is used (see MarkupDocument). */
  #markup(): MarkupDocument {
    return (this.#document ??= MarkupDocument.parse(this.text, this.xml));
  }

  override get $(): CheerioAPI {
    return this.#markup().$;
  }

  /** A document cheerio was handed out for (`response.$`) is kept: it may have been changed through it. */
  override releaseDocument(): void {
    if (this.#document?.pristine) this.#document = undefined;
    super.releaseDocument();
  }

  /** Whether the body has been parsed already (queries on it are then cheap). */
  protected get parsed(): boolean {
    return this.#document !== undefined;
  }

  override css(query: string): SelectorList {
    return SelectorList.query(this.#markup(), undefined, query);
  }

  /** XPath 1.0 over the same parsed document as css(), with parsel's `re:` and `has-class()` extensions. */
  override xpath(query: string, options?: XPathOptions): SelectorList {
    return SelectorList.xpathQuery(this.#markup(), undefined, query, options);
  }
}

// htmlparser2 ends a tag name at whitespace, `/` or `>` (or the end of the text); \s covers more.
const MAYBE_BASE_TAG = /<base(?:[\s/>]|$)/i;

export class HtmlResponse extends MarkupResponse {
  protected override readonly xml: boolean = false;
  #base: string | undefined;

  protected override baseUrl(): string {
    if (this.#base === undefined) {
      // A <base> element can only come from a `<base` tag in the text: without one, a page that
      // is not parsed yet need not be parsed (a parsed one answers from its tag index).
      const first = this.parsed || MAYBE_BASE_TAG.test(this.text) ? this.css('base[href]').nodes()[0] : undefined;
      const href = first !== undefined && typeof first !== 'string' ? (first as { attribs?: Record<string, string> }).attribs?.['href']?.trim() : undefined;
      let base = this.url;
      if (href) {
        try {
          base = new URL(href, this.url).href;
        } catch {
          // An unparsable <base href> is ignored, as browsers do.
        }
      }
      this.#base = base;
    }
    return this.#base;
  }
}

export class XmlResponse extends MarkupResponse {
  protected override readonly xml: boolean = true;
}

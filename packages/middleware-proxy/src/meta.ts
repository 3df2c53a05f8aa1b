// `proxy` is declared identically by @crawl/http, which reads it; TypeScript merges the two.
declare module '@crawl/core' {
  interface RequestMeta {
    /**
     * Proxy for this request, `http://[user:pass@]host:port`; wins over the environment. null or ''
     * sends the request directly. The middleware strips credentials from it into Proxy-Authorization.
     */
    proxy?: string | null;
  }

  interface RequestInternal {
    /** The proxy URL the request's Proxy-Authorization header belongs to; the header is dropped when the proxy changes. */
    proxyAuthFor?: string;
    /**
     * Set when meta.proxy came from http_proxy / https_proxy (or the `proxies` option) for the URL's
     * scheme: the redirect middleware then deletes meta.proxy on a scheme change, so the next hop is
     * resolved again from its own scheme.
     */
    _proxyFromEnv?: boolean;
  }
}

export {};

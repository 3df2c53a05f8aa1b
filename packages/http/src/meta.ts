// Declared identically by @crawl/middleware-proxy, which sets it; TypeScript merges the two.
declare module '@crawl/core' {
  interface RequestMeta {
    /**
     * Proxy for this request: `http://host:port` or `https://host:port`. null or '' = no proxy.
     * http: requests are sent to it in absolute form; https: requests go through a CONNECT tunnel.
     */
    proxy?: string | null;
  }
}

export {};

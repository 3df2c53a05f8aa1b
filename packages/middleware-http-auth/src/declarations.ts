declare module '@crawl/core' {
  interface Spider<I> {
    /** Basic-auth user name (Scrapy's `http_user`); with `httpPass`, wins over the middleware options. */
    httpUser?: string;
    /** Basic-auth password (Scrapy's `http_pass`). */
    httpPass?: string;
    /**
     * The only domain (and its subdomains) that receives the credentials (Scrapy's
     * `http_auth_domain`). `null` sends them to every host: an explicit, unsafe opt-in.
     */
    httpAuthDomain?: string | null;
  }
  interface RequestInternal {
    /** Set when this middleware added the Authorization header, so a copy sent elsewhere can be cleaned. */
    httpAuthAdded?: boolean;
  }
}

export {};

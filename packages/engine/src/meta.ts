declare module '@crawl/core' {
  interface RequestMeta {
    /** Link depth from the start requests; set by the depth middleware. */
    depth?: number;
    /** Non-2xx statuses this request's callback wants to see (httperror middleware). */
    handleHttpstatusList?: number[];
    /** Pass every status to this request's callback. */
    handleHttpstatusAll?: boolean;
    /** Referrer policy for requests made from this request's response (referer middleware). */
    referrerPolicy?: string;
    /** Overrides settings.callbackOutput for this request's callback/errback output. */
    callbackOutput?: 'stream' | 'atomic';
  }
}

export {};

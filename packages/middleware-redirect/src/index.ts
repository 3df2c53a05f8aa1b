import './meta.js';

export { redirect } from './redirect.js';
export { metaRefresh } from './meta-refresh.js';
export {
  REDIRECT_DEFAULTS,
  META_REFRESH_DEFAULTS,
  type RedirectOptions,
  type MetaRefreshOptions,
  type RedirectDefaults,
  type MetaRefreshDefaults,
} from './options.js';
export { buildRedirectRequest } from './redirect-request.js';
export { parseRefreshContent, type Refresh } from './refresh-content.js';
export type { RedirectReason } from './hop.js';

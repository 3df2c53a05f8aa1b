export { httpAuth, basicAuthHeader } from './http-auth.js';
export { HTTP_AUTH_DEFAULTS, type HttpAuthDefaults, type HttpAuthEncoding, type HttpAuthOptions } from './options.js';

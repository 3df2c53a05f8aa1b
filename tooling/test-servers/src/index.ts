export type { RecordedRequest, RouteHandler, StartTestServerOptions, TestServer } from './types.js';
export { startTestServer, parseRouteKey } from './server.js';
export { handlers } from './handlers.js';
export { linkSite, type LinkSiteOptions } from './link-site.js';
export { loopbackLookup, isLoopbackAddress } from './lookup.js';
export { startForwardProxy, type ForwardProxy, type ForwardProxyOptions, type ProxiedConnect, type ProxiedRequest } from './proxy.js';
export { startFtpServer, type FtpTestServer, type FtpTestServerOptions } from './ftp.js';
export { startGcsServer, crc32cBase64, type GcsTestServer, type GcsTestServerOptions, type GcsObject, type GcsAclEntry, type GcsPredefinedAcl } from './gcs.js';

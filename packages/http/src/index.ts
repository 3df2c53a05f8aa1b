export { httpHandler } from './http-handler.js';
export { fileHandler } from './file-handler.js';
export { dataHandler } from './data-handler.js';
export { HTTP_HANDLER_DEFAULTS, type HttpHandlerOptions, type HttpHandlerDefaults } from './options.js';
export type { StopDownloadWithResponse } from './download.js';

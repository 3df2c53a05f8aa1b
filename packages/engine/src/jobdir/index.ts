export { spiderState } from './spider-state.js';
export { resumeStart } from './resume-start.js';
export { JOB_SCHEMA_VERSION, encodeRequest, decodeRequest, type StoredRequest } from './request-codec.js';
export { SpiderMethods } from './spider-methods.js';

export { checkStorePath } from './store-path.js';
export { normalisePrefix, objectKey } from './object-key.js';
export { maskUri } from './mask-uri.js';
export { contentTypeFor } from './content-type.js';

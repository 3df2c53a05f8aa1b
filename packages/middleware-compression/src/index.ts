export { compression } from './compression.js';
export { COMPRESSION_DEFAULTS, type CompressionOptions, type CompressionDefaults } from './options.js';
export { ACCEPT_ENCODING } from './encodings.js';

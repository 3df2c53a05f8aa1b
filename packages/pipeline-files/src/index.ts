export { filesPipeline } from './files-pipeline.js';
export { createMediaPipeline, type MediaPipeline, type MediaPipelineConfig } from './media-pipeline.js';
export {
  FILES_PIPELINE_DEFAULTS,
  MEDIA_OPTION_KEYS,
  resolveMediaOptions,
  type FilesPipelineOptions,
  type MediaPipelineDefaults,
  type MediaPipelineOptions,
  type ResolvedMediaOptions,
} from './options.js';
export { resolveFilesStore, type FilesStoreOption } from './resolve-store.js';
export { defaultFilePath, mediaExtension, urlHash } from './file-path.js';
export { FileException } from './errors.js';
export type { FileInfo, FileStatus, MediaHookContext, MediaHooks, MediaPipelineInfo, MediaResult } from './types.js';

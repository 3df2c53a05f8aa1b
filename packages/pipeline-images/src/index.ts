export { imagesPipeline } from './images-pipeline.js';
export { IMAGES_PIPELINE_DEFAULTS, resolveImagesOptions, type ImagesPipelineOptions, type ImagesPipelineDefaults, type ResolvedImagesOptions } from './options.js';
export { defaultConvertImage, isPlainRgbJpeg } from './convert-image.js';
export { defaultImagePath, defaultThumbPath } from './image-paths.js';
export { thumbnailSize, type ThumbSize } from './thumbnail-size.js';
export { ImageException } from './errors.js';
export type { ConvertContext, ConvertedImage, ImageHooks, ImageOutput, ImageSource } from './types.js';

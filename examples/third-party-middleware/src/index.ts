import './meta.js';

export { headerRotation, HEADER_ROTATION_STATS } from './header-rotation.js';
export {
  HEADER_ROTATION_DEFAULTS,
  type HeaderProfile,
  type HeaderRotationDefaults,
  type HeaderRotationOptions,
} from './options.js';

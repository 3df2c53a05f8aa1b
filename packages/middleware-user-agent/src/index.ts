export { userAgent } from './user-agent.js';
export { USER_AGENT_DEFAULTS, USER_AGENT_SETTING_DEFAULTS, type UserAgentDefaults, type UserAgentOptions } from './options.js';

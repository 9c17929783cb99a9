export const AGENT_CONFIG = Symbol('AGENT_CONFIG');
export const AGENT_IDENTITY = Symbol('AGENT_IDENTITY');
export const DIRECTORY = Symbol('DIRECTORY');
export const DIRECTORY_SYNC = Symbol('DIRECTORY_SYNC');

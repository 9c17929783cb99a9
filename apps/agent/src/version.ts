/** Reported in heartbeats; the cloud flags agents behind the current version as out of date. */
export const AGENT_VERSION = '0.1.0';

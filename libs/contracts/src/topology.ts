/** RabbitMQ names shared by the cloud and the agent (SPEC §4.1). One place, so both sides agree. */
export const EXCHANGES = {
  commands: 'sspr.commands',
  replies: 'sspr.replies',
  deadLetter: 'sspr.dead-letter',
} as const;

export const CLOUD_QUEUES = {
  results: 'sspr.cloud.results',
  heartbeats: 'sspr.cloud.heartbeats',
} as const;

/** How many times a command may be delivered before the broker dead-letters it. */
export const COMMAND_DELIVERY_LIMIT = 5;

export function commandQueue(tenantId: string): string {
  return `sspr.tenant.${tenantId}.commands`;
}

export function deadLetterQueue(tenantId: string): string {
  return `sspr.tenant.${tenantId}.dead`;
}

export function commandRoutingKey(tenantId: string, type: string): string {
  return `tenant.${tenantId}.${type}`;
}

export function tenantBinding(tenantId: string): string {
  return `tenant.${tenantId}.#`;
}

export const REPLY_ROUTING = {
  result: (tenantId: string) => `tenant.${tenantId}.result`,
  heartbeat: (tenantId: string) => `tenant.${tenantId}.heartbeat`,
  allResults: 'tenant.*.result',
  allHeartbeats: 'tenant.*.heartbeat',
} as const;

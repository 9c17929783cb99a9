/** RabbitMQ names shared by the cloud and the agent (SPEC §4.1). One place, so both sides agree. */
export const EXCHANGES = {
  commands: 'sspr.commands',
  replies: 'sspr.replies',
  deadLetter: 'sspr.dead-letter',
} as const;

export const CLOUD_QUEUES = {
  results: 'sspr.cloud.results',
  heartbeats: 'sspr.cloud.heartbeats',
  sync: 'sspr.cloud.sync',
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
  sync: (tenantId: string) => `tenant.${tenantId}.sync`,
  allResults: 'tenant.*.result',
  allHeartbeats: 'tenant.*.heartbeat',
  allSync: 'tenant.*.sync',
} as const;

/**
 * The arguments each side declares a tenant's command queue with. Both the cloud and the agent
 * assert it, so the arguments must be identical (RabbitMQ refuses a mismatch with 406).
 */
export function commandQueueArguments(tenantId: string): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': COMMAND_DELIVERY_LIMIT,
    'x-dead-letter-exchange': EXCHANGES.deadLetter,
    'x-dead-letter-routing-key': `tenant.${tenantId}.dead`,
  };
}

export const QUORUM = { 'x-queue-type': 'quorum' } as const;

/** Header on a dead-lettered message saying why, in our own words. */
export const DEAD_LETTER_REASON_HEADER = 'x-sspr-dead-letter-reason';

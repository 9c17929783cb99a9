import type { CredentialVerdict, PolicyReason, ResultCode } from '@sspr/contracts';

/**
 * What to do with a delivery; `settle()` carries it out and is the only code that acks or nacks.
 * - reply: the directory (or the agent's own check) gave a definite answer: publish it, then ack.
 * - dead-letter: the message can never succeed (untrusted, invalid, not for us): park it with a reason.
 * - retry: the outcome is unknown and a later delivery can settle it: requeue (bounded by the broker).
 */
export type Disposition =
  | { kind: 'reply'; code: ResultCode; reason?: PolicyReason; detail?: string; credential?: CredentialVerdict }
  | { kind: 'dead-letter'; reason: string }
  | { kind: 'retry'; reason: string };

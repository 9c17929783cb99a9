import {
  POLICY_REASON_TEXT,
  RESULT_TEXT,
  type CredentialVerdict,
  type PolicyReason,
  type ResultCode,
} from '@sspr/contracts';
import type { SettledBy } from './writeback-command.entity';

/** How a command ended. */
export interface Verdict {
  commandId: string;
  tenantId: string;
  type: string;
  outcome: ResultCode;
  reason: PolicyReason | null;
  /** What the bind as the user said (credentials.verify.v1 answered `applied`); null otherwise. */
  credential: CredentialVerdict | null;
  /** The agent that answered; null when the cloud settled at the deadline. */
  agentId: string | null;
  settledBy: SettledBy;
}

/** The plain-language text of a verdict: the result, then the policy's reason when there is one. */
export function verdictText(outcome: ResultCode, reason: PolicyReason | null): string {
  return reason ? `${RESULT_TEXT[outcome]} ${POLICY_REASON_TEXT[reason]}` : RESULT_TEXT[outcome];
}

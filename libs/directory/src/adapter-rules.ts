import { HealthCheckName, HealthCheckStatus, ResultCode, type HealthCheck } from '@sspr/contracts';
import type { DirectoryUser } from './directory.adapter';
import { classifyLdapError, DirectoryError, type LdapOperation } from './directory.error';

/**
 * What both adapters do the same way, whatever the directory: the account rule of every operation on a
 * user, the retry of a read on a stale shared connection, and the bind_account health check.
 */

/** A disabled account is refused, and a protected one unless the configuration allows it. */
export function assertChangeable(user: DirectoryUser, allowProtectedAccounts: boolean | undefined): void {
  if (user.disabled) throw new DirectoryError(ResultCode.AccountDisabled, 'the account is disabled');
  if (user.protected && !allowProtectedAccounts) {
    throw new DirectoryError(
      ResultCode.NotPermitted,
      'the account is protected and the configuration does not allow changing it',
    );
  }
}

/**
 * A read on the shared service connection, tried once more if a connection that was up (`reused`) turned out
 * to be dead. Every failure leaves as a classified DirectoryError.
 */
export async function readRetryingOnce<T>(
  reused: boolean,
  operation: LdapOperation,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    const error = classifyLdapError(err, { operation });
    if (!reused || error.code !== ResultCode.DirectoryUnreachable) throw error;
  }
  try {
    return await attempt();
  } catch (err) {
    throw classifyLdapError(err, { operation });
  }
}

/**
 * bind_account: `bindFresh` binds the service account on a connection of its own (and closes it). A server
 * keeps serving a connection bound before the account was disabled or its password changed, so only a fresh
 * bind tells whether the agent could bind again after a reconnect.
 */
export async function serviceAccountCheck(bindFresh: () => Promise<void>): Promise<HealthCheck> {
  try {
    await bindFresh();
    return { name: HealthCheckName.BindAccount, status: HealthCheckStatus.Pass };
  } catch (err) {
    const error = classifyLdapError(err, { operation: 'service-bind' });
    return {
      name: HealthCheckName.BindAccount,
      status: HealthCheckStatus.Fail,
      detail: `The service account can no longer sign in to the directory: ${error.detail}.`,
    };
  }
}

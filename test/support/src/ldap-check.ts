import type { ConnectionOptions } from 'node:tls';
import { DirectoryError } from '@sspr/directory';
import { Client, InvalidCredentialsError } from 'ldapts';

/** The user's truth: can this DN (or UPN) bind with this password right now? `tls` for ldaps:// with a test CA. */
export async function canBind(url: string, dn: string, password: string, tls?: ConnectionOptions): Promise<boolean> {
  const client = new Client({ url, timeout: 5000, connectTimeout: 5000, ...(tls ? { tlsOptions: tls } : {}) });
  try {
    await client.bind(dn, password);
    return true;
  } catch (err) {
    if (err instanceof InvalidCredentialsError) return false;
    throw err;
  } finally {
    await client.unbind();
  }
}

/** The DirectoryError a call must fail with; anything else (or success) fails the test. */
export async function directoryRejection(promise: Promise<unknown>): Promise<DirectoryError> {
  const err = await promise.then(
    () => new Error('expected the call to fail, it succeeded'),
    (e: unknown) => e,
  );
  if (!(err instanceof DirectoryError)) throw err;
  return err;
}

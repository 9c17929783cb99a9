import { Client, InvalidCredentialsError } from 'ldapts';

/** The user's truth: can this DN bind with this password right now? */
export async function canBind(url: string, dn: string, password: string): Promise<boolean> {
  const client = new Client({ url, timeout: 5000, connectTimeout: 5000 });
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

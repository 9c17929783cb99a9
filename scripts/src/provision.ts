/**
 * One-shot setup for docker-compose.yml: creates a tenant, imports the directory's people as synced users,
 * and registers the agent (its key is generated here, in the agent's state volume). Prints the admin token.
 * Configuration: CLOUD_URL, CLOUD_OPERATOR_TOKEN, LDAP_URL, LDAP_BIND_DN, LDAP_BIND_PASSWORD, LDAP_BASE_DN,
 * AGENT_STATE_DIR (the agent's own variables).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { CloudApi, REPO_ROOT, waitFor } from '@sspr/test-support';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const stateDir = required('AGENT_STATE_DIR');
  if (existsSync(join(stateDir, 'agent.json'))) {
    process.stdout.write(`already provisioned (${stateDir}/agent.json exists)\n`);
    return;
  }
  const cloudUrl = required('CLOUD_URL');
  const operator = new CloudApi(cloudUrl, required('CLOUD_OPERATOR_TOKEN'));
  await waitFor(
    () =>
      fetch(new URL('/health', cloudUrl)).then(
        (r) => (r.ok ? true : undefined),
        () => undefined,
      ),
    {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: `the cloud at ${cloudUrl}`,
    },
  );
  const { tenant, adminToken } = await operator.createTenant('Example Corp');
  const admin = operator.as(adminToken);

  const ldap = new Client({ url: required('LDAP_URL') });
  await ldap.bind(required('LDAP_BIND_DN'), required('LDAP_BIND_PASSWORD'));
  const { searchEntries } = await ldap.search(`ou=people,${required('LDAP_BASE_DN')}`, {
    filter: '(objectClass=inetOrgPerson)',
    attributes: ['uid', 'displayName', 'entryUUID'],
  });
  await ldap.unbind();
  for (const entry of searchEntries) {
    await admin.createSyncedUser(tenant.id, {
      userPrincipalName: `${String(entry['uid'])}@example.test`,
      displayName: String(entry['displayName'] || entry['uid']),
      dn: entry.dn,
      immutableId: String(entry['entryUUID']),
    });
  }
  const { token } = await admin.createRegistrationToken(tenant.id);
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'apps/agent/dist/main.js'), 'register', `--cloud-url=${cloudUrl}`, `--token=${token}`],
    {
      stdio: 'inherit',
    },
  );
  process.stdout.write(
    `\ntenant ${tenant.id}\nadmin token ${adminToken}\nimported ${searchEntries.length} users\n` +
      `status: curl -s -H 'authorization: Bearer ${adminToken}' ${cloudUrl}/api/v1/tenants/${tenant.id}/onprem-status\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`provision: ${(err as Error).message}\n`);
  process.exit(1);
});

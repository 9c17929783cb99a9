import { Attribute, Change } from 'ldapts';
import {
  sambaUnderTest,
  startDirectoryEnvironment,
  startSamba,
  waitFor,
  type DirectoryEnvironment,
  type SambaHandle,
} from '@sspr/test-support';

const HEARTBEAT_MS = 1000;
const DAY_MS = 86_400_000;

interface StatusView {
  status: string;
  reasons: string[];
  warnings: string[];
  agents: { resetHistory: string | null; directoryKind: string | null; checks: { name: string; status: string }[] }[];
}

/** Admin reset and unlock through the whole product on a real AD (Samba 4 DC), and what the status page says. */
describe('Active Directory writeback and health, end to end (Samba AD DC)', () => {
  let samba: SambaHandle;
  let env: DirectoryEnvironment;
  let next = 0;
  const aPerson = () => {
    const p = env.people[next++];
    if (!p) throw new Error('ran out of people');
    return p;
  };
  const status = async () =>
    (await env.admin.call<StatusView>('GET', `/api/v1/tenants/${env.tenantId}/onprem-status`)).body;
  const statusWhere = (what: string, test: (s: StatusView) => boolean) =>
    waitFor(
      async () => {
        const s = await status();
        return test(s) ? s : undefined;
      },
      { timeoutMs: 20_000, what },
    );
  const setServiceAccountEnabled = (enabled: boolean) =>
    samba.asAdministrator((c) =>
      c.modify(
        samba.serviceDn,
        new Change({
          operation: 'replace',
          // NORMAL_ACCOUNT (0x200), plus ACCOUNTDISABLE (0x2) to revoke it.
          modification: new Attribute({ type: 'userAccountControl', values: [enabled ? '512' : '514'] }),
        }),
      ),
    );

  beforeAll(async () => {
    samba = await startSamba();
    env = await startDirectoryEnvironment({
      kind: 'active_directory',
      directory: sambaUnderTest(samba),
      heartbeatIntervalMs: HEARTBEAT_MS,
      agentEnv: { SYNC_ENABLED: 'false' },
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('applies an admin reset: the user binds with it by DN and by UPN, the old password no longer works', async () => {
    const person = aPerson();

    const res = await env.admin.resetPassword(env.tenantId, person.id, { password: 'Reset-By-Admin-2026!' });

    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('applied');
    expect(await env.directory.canBind(person.dn, 'Reset-By-Admin-2026!')).toBe(true);
    expect(await env.directory.canBind(person.userPrincipalName, 'Reset-By-Admin-2026!')).toBe(true);
    expect(await env.directory.canBind(person.dn, person.password)).toBe(false);
  });

  it('applies a non-ASCII password', async () => {
    const person = aPerson();
    const password = 'Ünïcødé-Pässwörd-7';

    const res = await env.admin.resetPassword(env.tenantId, person.id, { password });

    expect(res.status).toBe(200);
    expect(await env.directory.canBind(person.dn, password)).toBe(true);
  });

  it.each([
    ['too short', 'Sh0rt!a', 'too_short'],
    ['not complex', 'alllowercaseletters', 'quality'],
  ])('refuses a %s password with its reason and changes nothing', async (_what, password, reason) => {
    const person = aPerson();

    const res = await env.admin.resetPassword(env.tenantId, person.id, { password });

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ outcome: 'rejected_by_policy', reason });
    expect(await env.directory.canBind(person.dn, person.password)).toBe(true);
  });

  it('unlocks a user locked by bad binds, who can then bind', async () => {
    const person = aPerson();
    await env.directory.lockOut(person);
    expect(await env.directory.canBind(person.dn, person.password)).toBe(false);

    const res = await env.admin.call<{ outcome: string }>(
      'POST',
      `/api/v1/tenants/${env.tenantId}/users/${person.id}/unlock`,
    );

    expect(res.status).toBe(200);
    expect(await env.directory.canBind(person.dn, person.password)).toBe(true);
  });

  it('refuses a protected account (adminCount=1)', async () => {
    const { id } = await env.admin.createSyncedUser(env.tenantId, {
      userPrincipalName: samba.protectedUser.userPrincipalName,
      displayName: samba.protectedUser.displayName,
      dn: samba.protectedUser.dn,
      immutableId: samba.protectedUser.immutableId,
    });

    const res = await env.admin.resetPassword(env.tenantId, id, { password: 'Never-Applied-2026!' });

    expect(res.status).toBe(403);
    expect(res.body.outcome).toBe('not_permitted');
    expect(await env.directory.canBind(samba.protectedUser.dn, samba.protectedUser.password)).toBe(true);
  });

  it('shows that admin resets skip the history check on this DC (no policy hints)', async () => {
    const s = await status();
    expect(s.status).toBe('up_and_running');
    expect(s.agents[0]).toMatchObject({ directoryKind: 'active_directory', resetHistory: 'not_enforced' });
  });

  it('shows a revoked bind account as degraded, with that reason, until it is enabled again', async () => {
    await setServiceAccountEnabled(false);
    try {
      const degraded = await statusWhere('degraded by the bind account', (s) => s.status === 'degraded');
      expect(degraded.reasons.join(' ')).toMatch(/service account .*disabled/);
    } finally {
      await setServiceAccountEnabled(true);
    }
    await statusWhere('up and running again', (s) => s.status === 'up_and_running');
  });

  it('warns about a certificate near expiry, and is degraded by an expired one', async () => {
    const now = Date.now();
    await samba.useCertificate({ notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 5 * DAY_MS) });
    const aboutCertificate = (s: StatusView) => s.warnings.filter((w) => /certificate/i.test(w));
    const warned = await statusWhere('the near-expiry warning', (s) => aboutCertificate(s).length > 0);
    expect(warned.status).toBe('up_and_running');
    expect(aboutCertificate(warned).join(' ')).toMatch(/expires in [45] days/i);

    await samba.useCertificate({ notBefore: new Date(now - 10 * DAY_MS), notAfter: new Date(now - DAY_MS) });
    const expired = await statusWhere('degraded by the expired certificate', (s) => s.status === 'degraded');
    expect(expired.reasons.join(' ')).toMatch(/certificate.*expired/i);

    await samba.useCertificate({ notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 3650 * DAY_MS) });
    await statusWhere(
      'up and running with a good certificate',
      (s) => s.status === 'up_and_running' && aboutCertificate(s).length === 0,
    );
  });

  it('is degraded while the DC is stopped, and up and running when it is back', async () => {
    await env.directory.stop();
    try {
      const degraded = await statusWhere('degraded by the stopped DC', (s) => s.status === 'degraded');
      expect(degraded.reasons.join(' ')).toMatch(/directory/i);
    } finally {
      await env.directory.start();
    }
    await statusWhere('up and running after the DC restarts', (s) => s.status === 'up_and_running');
  });
});

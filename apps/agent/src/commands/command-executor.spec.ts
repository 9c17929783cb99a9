import { randomUUID } from 'node:crypto';
import {
  CredentialVerdict,
  DirectoryKind,
  MessageType,
  PolicyReason,
  ResultCode,
  Secret,
  type DirectoryTarget,
} from '@sspr/contracts';
import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  privateKeyFromJwk,
  publicKeyFromJwk,
  sealSecret,
  signMessage,
} from '@sspr/crypto';
import { DirectoryError, type DirectoryAdapter, type DirectoryUser } from '@sspr/directory';
import type { AgentIdentity } from '../identity/agent-identity';
import { CommandExecutor } from './command-executor';

const tenantId = randomUUID();
const agentId = randomUUID();
const cloud = generateSigningKeyPair();
const enc = generateEncryptionKeyPair();
const identity: AgentIdentity = {
  agentId,
  tenantId,
  cloudUrl: 'http://cloud.invalid',
  commandQueue: 'q',
  cloudSigningKey: { kid: 'cloud:1', publicJwk: cloud.publicJwk },
  registeredAt: new Date().toISOString(),
  encryptionKey: privateKeyFromJwk(enc.privateJwk),
  signingKey: privateKeyFromJwk(generateSigningKeyPair().privateJwk),
  cloudPublicKey: publicKeyFromJwk(cloud.publicJwk),
};
const target: DirectoryTarget = { dn: 'uid=a,ou=people,dc=example,dc=test', immutableId: randomUUID() };
const aUser: DirectoryUser = {
  dn: target.dn,
  immutableId: target.immutableId!,
  disabled: false,
  locked: false,
  protected: false,
};

/** A directory that records what was asked of it; each test sets the answers it needs. */
function aDirectory(overrides: Partial<DirectoryAdapter> = {}) {
  const calls: string[] = [];
  const directory: DirectoryAdapter = {
    kind: DirectoryKind.OpenLdap,
    findUser: () => (calls.push('find'), Promise.resolve(aUser)),
    resetPassword: () => (calls.push('reset'), Promise.resolve()),
    setMustChange: () => (calls.push('mustChange'), Promise.resolve()),
    unlock: () => (calls.push('unlock'), Promise.resolve()),
    holdsPassword: () => (calls.push('holds'), Promise.resolve(false)),
    changePassword: () => (calls.push('change'), Promise.resolve()),
    verifyCredentials: () => (calls.push('verify'), Promise.resolve(CredentialVerdict.Valid)),
    ping: () => Promise.resolve({ latencyMs: 1 }),
    checkHealth: () => Promise.resolve({ reachable: true, latencyMs: 1, checks: [] }),
    close: () => Promise.resolve(),
    ...overrides,
  };
  return { directory, calls };
}

async function aResetCommand(
  options: { ttlMs?: number; tenant?: string; sealedTo?: string; signWith?: 'cloud' | 'stranger' } = {},
) {
  const id = randomUUID();
  const now = Date.now();
  const recipientKey = options.sealedTo ? generateEncryptionKeyPair().publicJwk : enc.publicJwk;
  const message = {
    type: MessageType.PasswordReset,
    id,
    tenantId: options.tenant ?? tenantId,
    issuedAt: new Date(now - 1000).toISOString(),
    notAfter: new Date(now + (options.ttlMs ?? 30_000)).toISOString(),
    payload: {
      userId: randomUUID(),
      target,
      secret: await sealSecret(
        new Secret('New-Pass-123456'),
        [{ kid: options.sealedTo ?? agentId, publicKey: publicKeyFromJwk(recipientKey) }],
        id,
      ),
      mustChangeAtNextSignIn: false,
      unlock: false,
    },
  };
  const key = options.signWith === 'stranger' ? generateSigningKeyPair().privateJwk : cloud.privateJwk;
  return Buffer.from(await signMessage(message, { kid: 'cloud:1', privateKey: privateKeyFromJwk(key) }));
}

/** A change or verify command, signed by the cloud, secrets sealed to this agent. */
async function aUserCommand(type: MessageType.PasswordChange | MessageType.CredentialsVerify, ttlMs = 30_000) {
  const id = randomUUID();
  const now = Date.now();
  const seal = (value: string) =>
    sealSecret(new Secret(value), [{ kid: agentId, publicKey: publicKeyFromJwk(enc.publicJwk) }], id);
  const payload =
    type === MessageType.PasswordChange
      ? { userId: randomUUID(), target, currentSecret: await seal('Old-Pass-1'), newSecret: await seal('New-Pass-2') }
      : { userId: randomUUID(), target, secret: await seal('Sign-In-Pass-3') };
  const message = {
    type,
    id,
    tenantId,
    issuedAt: new Date(now - 1000).toISOString(),
    notAfter: new Date(now + ttlMs).toISOString(),
    payload,
  };
  return Buffer.from(await signMessage(message, { kid: 'cloud:1', privateKey: privateKeyFromJwk(cloud.privateJwk) }));
}

const executor = (directory: DirectoryAdapter) => new CommandExecutor(identity, directory);

describe('CommandExecutor', () => {
  it('applies a valid reset and answers applied', async () => {
    const { directory, calls } = aDirectory();
    const { disposition } = await executor(directory).execute({ body: await aResetCommand(), redelivered: false });
    expect(disposition).toEqual({ kind: 'reply', code: ResultCode.Applied, detail: undefined });
    expect(calls).toEqual(['find', 'reset']);
  });

  it('dead-letters a command signed by an untrusted key without touching the directory', async () => {
    const { directory, calls } = aDirectory();
    const { disposition } = await executor(directory).execute({
      body: await aResetCommand({ signWith: 'stranger' }),
      redelivered: false,
    });
    expect(disposition).toMatchObject({ kind: 'dead-letter', reason: expect.stringMatching(/signature/) as unknown });
    expect(calls).toEqual([]);
  });

  it('dead-letters a command for another tenant', async () => {
    const { directory, calls } = aDirectory();
    const { disposition } = await executor(directory).execute({
      body: await aResetCommand({ tenant: randomUUID() }),
      redelivered: false,
    });
    expect(disposition).toMatchObject({ kind: 'dead-letter', reason: 'command addressed to another tenant' });
    expect(calls).toEqual([]);
  });

  it('dead-letters a command sealed to another agent', async () => {
    const { directory, calls } = aDirectory();
    const { disposition } = await executor(directory).execute({
      body: await aResetCommand({ sealedTo: randomUUID() }),
      redelivered: false,
    });
    expect(disposition).toMatchObject({
      kind: 'dead-letter',
      reason: expect.stringMatching(/not sealed to this agent/) as unknown,
    });
    expect(calls).toEqual([]);
  });

  it('never writes a first delivery that arrives after its deadline', async () => {
    const { directory, calls } = aDirectory();
    const { disposition } = await executor(directory).execute({
      body: await aResetCommand({ ttlMs: -1 }),
      redelivered: false,
    });
    expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Expired });
    expect(calls).toEqual([]);
  });

  it('answers applied without writing again when a redelivered password is already in place', async () => {
    const { directory, calls } = aDirectory({ holdsPassword: () => Promise.resolve(true) });
    const { disposition } = await executor(directory).execute({
      body: await aResetCommand({ ttlMs: -1 }),
      redelivered: true,
    });
    expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Applied });
    expect(calls).toEqual(['find']);
  });

  it('answers expired for a late redelivery whose password is not in place', async () => {
    const { directory, calls } = aDirectory();
    const { disposition } = await executor(directory).execute({
      body: await aResetCommand({ ttlMs: -1 }),
      redelivered: true,
    });
    expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Expired });
    expect(calls).toEqual(['find', 'holds']);
  });

  it('passes a policy rejection on with its reason', async () => {
    const { directory } = aDirectory({
      resetPassword: () =>
        Promise.reject(
          new DirectoryError(ResultCode.RejectedByPolicy, 'password too short', { reason: PolicyReason.TooShort }),
        ),
    });
    const { disposition } = await executor(directory).execute({ body: await aResetCommand(), redelivered: false });
    expect(disposition).toMatchObject({
      kind: 'reply',
      code: ResultCode.RejectedByPolicy,
      reason: PolicyReason.TooShort,
    });
  });

  it('requeues when the connection fails during the write, since only a redelivery can tell whether it landed', async () => {
    const { directory } = aDirectory({
      resetPassword: () => Promise.reject(new DirectoryError(ResultCode.DirectoryUnreachable, 'connection lost')),
    });
    const { disposition } = await executor(directory).execute({ body: await aResetCommand(), redelivered: false });
    expect(disposition).toMatchObject({ kind: 'retry' });
  });

  it('answers directory unreachable at once when the user cannot even be looked up', async () => {
    const { directory } = aDirectory({
      findUser: () => Promise.reject(new DirectoryError(ResultCode.DirectoryUnreachable, 'cannot connect')),
    });
    const { disposition } = await executor(directory).execute({ body: await aResetCommand(), redelivered: false });
    expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.DirectoryUnreachable });
  });

  it('reports applied when the password landed and only a follow-up failed', async () => {
    const { directory } = aDirectory({
      resetPassword: () =>
        Promise.reject(
          new DirectoryError(ResultCode.NotPermitted, 'could not set must-change', { passwordApplied: true }),
        ),
    });
    const { disposition } = await executor(directory).execute({ body: await aResetCommand(), redelivered: false });
    expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Applied });
  });

  it('answers a second copy of a command as it answered the first, without writing again', async () => {
    const { directory, calls } = aDirectory();
    const agent = executor(directory);
    const body = await aResetCommand();
    const first = await agent.execute({ body, redelivered: false });
    const second = await agent.execute({ body, redelivered: true });
    expect(second.disposition).toEqual(first.disposition);
    expect(calls).toEqual(['find', 'reset']);
  });

  it('answers not permitted when the directory refuses a protected account', async () => {
    const { directory, calls } = aDirectory({
      findUser: () => Promise.resolve({ ...aUser, protected: true }),
      resetPassword: () => Promise.reject(new DirectoryError(ResultCode.NotPermitted, 'the account is protected')),
    });
    const { disposition } = await executor(directory).execute({ body: await aResetCommand(), redelivered: false });
    expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.NotPermitted });
    expect(calls).toEqual([]);
  });

  describe('user change', () => {
    it('hands both opened passwords to the directory, current first', async () => {
      const seen: string[] = [];
      const { directory } = aDirectory({
        changePassword: (_user, current, next) => (seen.push(current.reveal(), next.reveal()), Promise.resolve()),
      });
      const { disposition } = await executor(directory).execute({
        body: await aUserCommand(MessageType.PasswordChange),
        redelivered: false,
      });
      expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Applied });
      expect(seen).toEqual(['Old-Pass-1', 'New-Pass-2']);
    });

    it('passes a wrong current password on as invalid credentials', async () => {
      const { directory } = aDirectory({
        changePassword: () => Promise.reject(new DirectoryError(ResultCode.InvalidCredentials, 'wrong password')),
      });
      const { disposition } = await executor(directory).execute({
        body: await aUserCommand(MessageType.PasswordChange),
        redelivered: false,
      });
      expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.InvalidCredentials });
    });

    it('settles a redelivery whose new password is in place as applied, without a second change', async () => {
      const { directory, calls } = aDirectory({ holdsPassword: () => Promise.resolve(true) });
      const { disposition } = await executor(directory).execute({
        body: await aUserCommand(MessageType.PasswordChange),
        redelivered: true,
      });
      expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Applied });
      expect(calls).toEqual(['find']);
    });

    it('never changes a first delivery past its deadline', async () => {
      const { directory, calls } = aDirectory();
      const { disposition } = await executor(directory).execute({
        body: await aUserCommand(MessageType.PasswordChange, -1),
        redelivered: false,
      });
      expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Expired });
      expect(calls).toEqual([]);
    });
  });

  describe('credentials verify', () => {
    it.each(Object.values(CredentialVerdict))('answers the directory’s verdict %s in `credential`', async (verdict) => {
      const { directory } = aDirectory({ verifyCredentials: () => Promise.resolve(verdict) });
      const { disposition } = await executor(directory).execute({
        body: await aUserCommand(MessageType.CredentialsVerify),
        redelivered: false,
      });
      expect(disposition).toEqual({ kind: 'reply', code: ResultCode.Applied, credential: verdict });
    });

    it('opens the password sealed for this command', async () => {
      let seen = '';
      const { directory } = aDirectory({
        verifyCredentials: (_user, password) => ((seen = password.reveal()), Promise.resolve(CredentialVerdict.Valid)),
      });
      await executor(directory).execute({
        body: await aUserCommand(MessageType.CredentialsVerify),
        redelivered: false,
      });
      expect(seen).toBe('Sign-In-Pass-3');
    });

    it('does not bind for a sign-in past its deadline', async () => {
      const { directory, calls } = aDirectory();
      const { disposition } = await executor(directory).execute({
        body: await aUserCommand(MessageType.CredentialsVerify, -1),
        redelivered: false,
      });
      expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.Expired });
      expect(calls).toEqual([]);
    });

    it('answers unreachable when there is no verdict to give', async () => {
      const { directory } = aDirectory({
        verifyCredentials: () => Promise.reject(new DirectoryError(ResultCode.DirectoryUnreachable, 'down')),
      });
      const { disposition } = await executor(directory).execute({
        body: await aUserCommand(MessageType.CredentialsVerify),
        redelivered: false,
      });
      expect(disposition).toMatchObject({ kind: 'reply', code: ResultCode.DirectoryUnreachable });
    });
  });
});

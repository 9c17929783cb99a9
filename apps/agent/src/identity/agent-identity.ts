import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  privateKeyFromJwk,
  publicKeyFromJwk,
  publicPart,
} from '@sspr/crypto';

const KEY_FILE = 'agent-key.json';
const IDENTITY_FILE = 'agent.json';

/** Who this agent is, as the cloud registered it; kept beside the key, readable (no secret in it). */
export interface AgentIdentityFile {
  agentId: string;
  tenantId: string;
  cloudUrl: string;
  commandQueue: string;
  /** The cloud's command-signing key, pinned at registration. */
  cloudSigningKey: { kid: string; publicJwk: JWK };
  registeredAt: string;
}

interface KeyFile {
  encryption: JWK;
  signing: JWK;
}

/** The loaded identity with ready-to-use keys. */
export interface AgentIdentity extends AgentIdentityFile {
  encryptionKey: KeyObject;
  signingKey: KeyObject;
  cloudPublicKey: KeyObject;
}

export class IdentityError extends Error {
  override readonly name = 'IdentityError';
}

export async function loadIdentity(stateDir: string): Promise<AgentIdentity> {
  const keyPath = join(stateDir, KEY_FILE);
  let identity: AgentIdentityFile;
  let keys: KeyFile;
  try {
    identity = JSON.parse(await readFile(join(stateDir, IDENTITY_FILE), 'utf8')) as AgentIdentityFile;
    keys = JSON.parse(await readFile(keyPath, 'utf8')) as KeyFile;
  } catch {
    throw new IdentityError(
      `this agent is not registered: no identity in ${stateDir}; run "sspr-agent register" first`,
    );
  }
  const mode = (await stat(keyPath)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new IdentityError(`${keyPath} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  }
  return {
    ...identity,
    encryptionKey: privateKeyFromJwk(keys.encryption),
    signingKey: privateKeyFromJwk(keys.signing),
    cloudPublicKey: publicKeyFromJwk(identity.cloudSigningKey.publicJwk),
  };
}

export interface RegisterOptions {
  stateDir: string;
  cloudUrl: string;
  token: string;
  name?: string;
  version: string;
}

interface RegisterResponse {
  agentId: string;
  tenantId: string;
  commandQueue: string;
  cloudSigningKey: { kid: string; publicJwk: JWK };
}

/**
 * Generates the agent's key pairs locally, registers only the public halves with the cloud using a
 * one-time token, and pins the cloud's signing key. The private key file is created 0600 and never sent.
 */
export async function register(options: RegisterOptions): Promise<AgentIdentityFile> {
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const keyPath = join(options.stateDir, KEY_FILE);
  const exists = await stat(keyPath).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new IdentityError(`${keyPath} already exists: this agent is registered; remove the state dir to re-register`);

  const encryption = generateEncryptionKeyPair();
  const signing = generateSigningKeyPair();
  const url = new URL('/api/v1/agents/register', options.cloudUrl);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: options.token,
      name: options.name ?? hostname(),
      host: hostname(),
      version: options.version,
      encryptionKey: publicPart(encryption.publicJwk),
      signingKey: publicPart(signing.publicJwk),
    }),
  }).catch((err: unknown) => {
    throw new IdentityError(`cannot reach the cloud at ${url.origin}: ${(err as Error).message}`);
  });
  if (!response.ok) {
    const text = await response.text();
    throw new IdentityError(`registration refused (${response.status}): ${text.slice(0, 300)}`);
  }
  const body = (await response.json()) as RegisterResponse;
  const keyFile: KeyFile = { encryption: encryption.privateJwk, signing: signing.privateJwk };
  await writeFile(keyPath, JSON.stringify(keyFile), { mode: 0o600, flag: 'wx' });
  const identity: AgentIdentityFile = {
    agentId: body.agentId,
    tenantId: body.tenantId,
    cloudUrl: options.cloudUrl,
    commandQueue: body.commandQueue,
    cloudSigningKey: body.cloudSigningKey,
    registeredAt: new Date().toISOString(),
  };
  await writeFile(join(options.stateDir, IDENTITY_FILE), JSON.stringify(identity, null, 2), { mode: 0o644 });
  return identity;
}

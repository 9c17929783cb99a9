import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { JWK } from 'jose';
import { MessageType, Secret, type DirectoryTarget } from '@sspr/contracts';
import {
  decryptAtRest,
  masterKeyFromBase64,
  privateKeyFromJwk,
  publicKeyFromJwk,
  sealSecret,
  signMessage,
  type SealRecipient,
  type SigningKey,
} from '@sspr/crypto';

/**
 * Builds commands exactly as the cloud does, for tests that must put a command on the queue directly
 * (forged, pre-queued for the benchmark, or sealed to someone else). Reads the tenant's signing key
 * from the cloud's database with the cloud's master key.
 */
export async function cloudSigner(databaseUrl: string, tenantId: string, masterKeyB64: string): Promise<SigningKey> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ kid: string; private_jwk_encrypted: string }>(
      'SELECT kid, private_jwk_encrypted FROM tenant_signing_keys WHERE tenant_id = $1 AND retired_at IS NULL',
      [tenantId],
    );
    const row = rows[0];
    if (!row) throw new Error(`no signing key for tenant ${tenantId}`);
    const jwk = JSON.parse(await decryptAtRest(row.private_jwk_encrypted, masterKeyFromBase64(masterKeyB64))) as JWK;
    return { kid: row.kid, privateKey: privateKeyFromJwk(jwk) };
  } finally {
    await db.end();
  }
}

/** The recipient (public encryption key) of a registered agent, read from its state directory. */
export function agentRecipient(stateDir: string): SealRecipient {
  const identity = JSON.parse(readFileSync(join(stateDir, 'agent.json'), 'utf8')) as { agentId: string };
  const keys = JSON.parse(readFileSync(join(stateDir, 'agent-key.json'), 'utf8')) as { encryption: JWK };
  return { kid: identity.agentId, publicKey: publicKeyFromJwk(keys.encryption) };
}

export interface ResetCommandSpec {
  tenantId: string;
  userId?: string;
  target: DirectoryTarget;
  password: string;
  recipients: SealRecipient[];
  signer: SigningKey;
  ttlMs?: number;
  id?: string;
}

/** A signed `password.reset.v1` command body, as the cloud would publish it. */
export async function resetCommand(spec: ResetCommandSpec): Promise<{ id: string; body: Buffer }> {
  const id = spec.id ?? randomUUID();
  const issuedAt = new Date();
  const message = {
    type: MessageType.PasswordReset,
    id,
    tenantId: spec.tenantId,
    issuedAt: issuedAt.toISOString(),
    notAfter: new Date(issuedAt.getTime() + (spec.ttlMs ?? 60_000)).toISOString(),
    payload: {
      userId: spec.userId ?? randomUUID(),
      target: spec.target,
      secret: await sealSecret(new Secret(spec.password), spec.recipients, id),
      mustChangeAtNextSignIn: false,
      unlock: false,
    },
  };
  return { id, body: Buffer.from(await signMessage(message, spec.signer)) };
}

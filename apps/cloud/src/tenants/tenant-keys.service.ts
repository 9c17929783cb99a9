import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { JWK } from 'jose';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { decryptAtRest, encryptAtRest, generateSigningKeyPair, privateKeyFromJwk, type SigningKey } from '@sspr/crypto';
import { CloudConfig } from '../config/cloud-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { TenantSigningKeyEntity } from './tenant-signing-key.entity';

export interface CloudPublicKey {
  kid: string;
  publicJwk: JWK;
}

/** The kid of a tenant's n-th cloud signing key. */
export function cloudKid(tenantId: string, n: number): string {
  return `cloud:${tenantId}:${n}`;
}

/**
 * The cloud's per-tenant command-signing keys. The private key is decrypted once per replica and
 * kept in memory as a KeyObject, so signing a command costs no database read and no JWK import.
 */
@Injectable()
export class TenantKeysService {
  private readonly signingKeys = new Map<string, Promise<SigningKey>>();

  constructor(
    private readonly config: CloudConfig,
    @InjectRepository(TenantSigningKeyEntity) private readonly keys: Repository<TenantSigningKeyEntity>,
  ) {}

  /** Generates a tenant's first key pair and stores it (private half encrypted) in the caller's transaction. */
  async createFirstKey(tenantId: string, manager: EntityManager): Promise<CloudPublicKey> {
    const pair = generateSigningKeyPair();
    const kid = cloudKid(tenantId, 1);
    await manager.insert(TenantSigningKeyEntity, {
      kid,
      tenantId,
      publicJwk: pair.publicJwk,
      privateJwkEncrypted: await encryptAtRest(JSON.stringify(pair.privateJwk), this.config.masterKey),
      retiredAt: null,
    });
    return { kid, publicJwk: pair.publicJwk };
  }

  /** The tenant's current public signing key: what an agent pins at registration. */
  async currentPublicKey(tenantId: string): Promise<CloudPublicKey> {
    const row = await this.current(tenantId);
    return { kid: row.kid, publicJwk: row.publicJwk };
  }

  /** The tenant's current private signing key (cached per replica). */
  signingKey(tenantId: string): Promise<SigningKey> {
    let key = this.signingKeys.get(tenantId);
    if (!key) {
      key = this.load(tenantId);
      this.signingKeys.set(tenantId, key);
      key.catch(() => this.signingKeys.delete(tenantId));
    }
    return key;
  }

  private async load(tenantId: string): Promise<SigningKey> {
    const row = await this.current(tenantId);
    const jwk = JSON.parse(await decryptAtRest(row.privateJwkEncrypted, this.config.masterKey)) as JWK;
    return { kid: row.kid, privateKey: privateKeyFromJwk(jwk) };
  }

  private async current(tenantId: string): Promise<TenantSigningKeyEntity> {
    const row = await this.keys.findOne({
      where: { tenantId, retiredAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    if (!row) throw new DomainError(ErrorCode.TenantNotFound);
    return row;
  }
}

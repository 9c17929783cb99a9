import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { commandQueue } from '@sspr/contracts';
import { publicKeyFromJwk } from '@sspr/crypto';
import { CloudConfig } from '../config/cloud-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { generateToken, hashToken } from '../common/tokens';
import { TenantKeysService } from '../tenants/tenant-keys.service';
import { agentChecks, agentHealth, agentProblems, type HealthPolicy } from './agent-health';
import { AgentKeyring } from './agent-keyring.service';
import { AgentEntity } from './agent.entity';
import { RegistrationTokenEntity } from './registration-token.entity';
import {
  publicJwk,
  type AgentRegistrationView,
  type AgentView,
  type RegisterAgentDto,
  type RegistrationTokenView,
} from './dto/agent.dto';

const REGISTRATION_TOKEN_TTL_MS = 60 * 60 * 1000;

export function toAgentView(agent: AgentEntity, now: Date, policy: HealthPolicy): AgentView {
  return {
    agentId: agent.id,
    name: agent.name,
    host: agent.host,
    version: agent.version,
    registeredAt: agent.registeredAt.toISOString(),
    revokedAt: agent.revokedAt?.toISOString() ?? null,
    status: agentHealth(agent, now, policy),
    lastHeartbeatAt: agent.lastHeartbeatAt?.toISOString() ?? null,
    directory:
      agent.directoryReachable === null
        ? null
        : {
            reachable: agent.directoryReachable,
            ...(agent.directoryLatencyMs === null ? {} : { latencyMs: agent.directoryLatencyMs }),
          },
    lastSuccessfulWritebackAt: agent.lastAppliedAt?.toISOString() ?? null,
    directoryKind: agent.directoryKind,
    resetHistory: agent.resetHistory,
    checks: agentChecks(agent, policy),
    problems: agentProblems(agent, policy),
  };
}

@Injectable()
export class AgentsService {
  private readonly logger = new Logger(AgentsService.name);

  constructor(
    private readonly config: CloudConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(RegistrationTokenEntity) private readonly tokens: Repository<RegistrationTokenEntity>,
    private readonly keyring: AgentKeyring,
    private readonly tenantKeys: TenantKeysService,
  ) {}

  /** A one-time token, valid one hour; shown once, stored as its hash. */
  async createRegistrationToken(tenantId: string): Promise<RegistrationTokenView> {
    const token = generateToken();
    const expiresAt = new Date(Date.now() + REGISTRATION_TOKEN_TTL_MS);
    await this.tokens.insert({
      id: randomUUID(),
      tenantId,
      tokenHash: hashToken(token),
      expiresAt,
      usedAt: null,
      agentId: null,
    });
    return { token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Registers an agent with the token as its only credential: the token is spent and the agent
   * stored in one transaction, so a token registers exactly one agent.
   */
  async register(dto: RegisterAgentDto): Promise<AgentRegistrationView> {
    const encryptionJwk = publicJwk(dto.encryptionKey);
    const signingJwk = publicJwk(dto.signingKey);
    try {
      publicKeyFromJwk(encryptionJwk);
      publicKeyFromJwk(signingJwk);
    } catch {
      throw new DomainError(ErrorCode.InvalidInput, 'A submitted key is not a valid public key.');
    }
    const agentId = randomUUID();
    const tenantId = await this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query<[{ tenant_id: string }[], number]>(
        `UPDATE registration_tokens SET used_at = now(), agent_id = $2
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
          RETURNING tenant_id`,
        [hashToken(dto.token), agentId],
      );
      const spent = rows[0];
      if (!spent) throw new DomainError(ErrorCode.InvalidRegistrationToken);
      await manager.insert(AgentEntity, {
        id: agentId,
        tenantId: spent.tenant_id,
        name: dto.name,
        host: dto.host,
        version: dto.version,
        encryptionJwk,
        signingJwk,
        revokedAt: null,
        lastHeartbeatAt: null,
        directoryReachable: null,
        directoryLatencyMs: null,
        lastAppliedAt: null,
        lastResultCode: null,
        lastResultAt: null,
      });
      await this.keyring.announceChange(manager, agentId, spent.tenant_id);
      return spent.tenant_id;
    });
    // The tenant's queues exist since its creation (and the agent declares them too).
    this.keyring.invalidate(agentId, tenantId);
    this.logger.log({ tenantId, agentId, name: dto.name, host: dto.host, version: dto.version }, 'agent registered');
    return {
      agentId,
      tenantId,
      cloudSigningKey: await this.tenantKeys.currentPublicKey(tenantId),
      commandQueue: commandQueue(tenantId),
    };
  }

  async list(tenantId: string): Promise<AgentView[]> {
    const rows = await this.agents.find({ where: { tenantId }, order: { registeredAt: 'ASC' } });
    const now = new Date();
    return rows.map((agent) => toAgentView(agent, now, this.config.healthPolicy));
  }

  /** Revokes an agent: no longer a recipient of secrets, its signatures no longer accepted. */
  async revoke(tenantId: string, agentId: string): Promise<void> {
    const agent = await this.agents.findOneBy({ id: agentId, tenantId });
    if (!agent) throw new DomainError(ErrorCode.AgentNotFound);
    if (agent.revokedAt) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.update(AgentEntity, { id: agentId, tenantId }, { revokedAt: new Date() });
      await this.keyring.announceChange(manager, agentId, tenantId);
    });
    this.keyring.invalidate(agentId, tenantId);
    this.logger.log({ tenantId, agentId }, 'agent revoked');
  }
}

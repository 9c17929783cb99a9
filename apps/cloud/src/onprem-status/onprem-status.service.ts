import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { toAgentView } from '../agents/agents.service';
import type { AgentView } from '../agents/dto/agent.dto';
import { CloudConfig } from '../config/cloud-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { TenantEntity } from '../tenants/tenant.entity';
import { deriveOnPremStatus, ONPREM_STATUS_TEXT, type OnPremStatus } from './derive-status';

export interface OnPremStatusView {
  status: OnPremStatus;
  writebackEnabled: boolean;
  message: string;
  /** Why the status is degraded, in plain words (each failing check of the agents). */
  reasons: string[];
  /** What needs attention soon (e.g. a certificate near expiry), in plain words. */
  warnings: string[];
  /** The active agents (revoked ones are listed under /agents). */
  agents: Omit<AgentView, 'registeredAt' | 'revokedAt'>[];
}

@Injectable()
export class OnPremStatusService {
  constructor(
    private readonly config: CloudConfig,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
  ) {}

  async status(tenantId: string): Promise<OnPremStatusView> {
    const [tenant, agents] = await Promise.all([
      this.tenants.findOne({ where: { id: tenantId }, select: { id: true, writebackEnabled: true } }),
      this.agents.find({ where: { tenantId, revokedAt: IsNull() }, order: { registeredAt: 'ASC' } }),
    ]);
    if (!tenant) throw new DomainError(ErrorCode.TenantNotFound);
    const now = new Date();
    const policy = this.config.healthPolicy;
    const { status, reasons, warnings } = deriveOnPremStatus(agents, now, policy);
    return {
      status,
      writebackEnabled: tenant.writebackEnabled,
      message: ONPREM_STATUS_TEXT[status],
      reasons,
      warnings,
      agents: agents.map((agent) => {
        const { registeredAt: _r, revokedAt: _v, ...view } = toAgentView(agent, now, policy);
        return view;
      }),
    };
  }
}

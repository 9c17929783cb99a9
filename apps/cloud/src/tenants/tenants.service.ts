import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { announceWritebackTargetsChanged } from '../database/pg-notifications.service';
import { AmqpService } from '../messaging/amqp.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AdminTokensService } from './admin-tokens.service';
import { TenantKeysService } from './tenant-keys.service';
import { TenantEntity } from './tenant.entity';
import { toTenantView, type CreateTenantDto, type TenantView, type UpdateTenantSettingsDto } from './dto/tenant.dto';

@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
    private readonly keys: TenantKeysService,
    private readonly adminTokens: AdminTokensService,
    private readonly amqp: AmqpService,
  ) {}

  /**
   * Creates a tenant with its cloud signing key and a bootstrap admin token (returned once).
   * Its queues are declared first: a tenant never exists without somewhere to send its commands.
   */
  async create(dto: CreateTenantDto): Promise<{ tenant: TenantView; adminToken: string }> {
    const id = randomUUID();
    await this.amqp.assertTenantTopology(id);
    const { tenant, adminToken } = await this.dataSource.transaction(async (manager) => {
      const row = manager.create(TenantEntity, {
        id,
        name: dto.name,
        licence: dto.licence ?? 'premium',
        writebackEnabled: true,
      });
      await manager.insert(TenantEntity, row);
      await this.keys.createFirstKey(id, manager);
      const token = await this.adminTokens.issue(id, manager);
      return { tenant: await manager.findOneByOrFail(TenantEntity, { id }), adminToken: token };
    });
    this.logger.log({ tenantId: id, licence: tenant.licence }, 'tenant created');
    return { tenant: toTenantView(tenant), adminToken };
  }

  async get(tenantId: string): Promise<TenantView> {
    const tenant = await this.tenants.findOneBy({ id: tenantId });
    if (!tenant) throw new DomainError(ErrorCode.TenantNotFound);
    return toTenantView(tenant);
  }

  async updateSettings(tenantId: string, dto: UpdateTenantSettingsDto): Promise<TenantView> {
    const { writebackEnabled } = dto;
    if (writebackEnabled !== undefined) {
      await this.dataSource.transaction(async (manager) => {
        await manager.update(TenantEntity, { id: tenantId }, { writebackEnabled });
        await announceWritebackTargetsChanged(manager, tenantId);
      });
      this.logger.log({ tenantId, writebackEnabled }, 'tenant settings changed');
    }
    return this.get(tenantId);
  }
}

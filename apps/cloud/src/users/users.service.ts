import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { CloudPasswordsService } from '../auth/cloud-passwords.service';
import { isUniqueViolation } from '../database/sql.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { normalizeDn } from '../directory-sync/distinguished-name';
import { UserEntity } from './user.entity';
import { toUserView, type CreateUserDto, type UserView } from './dto/user.dto';

const LIST_LIMIT = 1_000;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly cloudPasswords: CloudPasswordsService,
  ) {}

  /**
   * A cloud-only user, or a synced one ahead of the directory sync (kept for tests, demos and tenants
   * without a sync yet): the first sync naming its anchor, or its UPN if it has no anchor, takes it over.
   * A full sync never deletes a synced user that no sync has seen.
   */
  async create(tenantId: string, dto: CreateUserDto): Promise<UserView> {
    if (dto.source === 'cloud' && (dto.onPremDistinguishedName !== undefined || dto.onPremImmutableId !== undefined)) {
      throw new DomainError(
        ErrorCode.InvalidInput,
        'A cloud-only user has no on-premises anchor; leave the onPrem fields out.',
      );
    }
    if (dto.source === 'synced' && (dto.password !== undefined || dto.mustChangeAtNextSignIn !== undefined)) {
      throw new DomainError(
        ErrorCode.InvalidInput,
        'A synced user’s password lives in the on-premises directory; leave password and mustChangeAtNextSignIn out.',
      );
    }
    const passwordHash = dto.password ? await this.cloudPasswords.hashNew(tenantId, dto, dto.password) : null;
    const id = randomUUID();
    try {
      await this.users.insert({
        id,
        tenantId,
        userPrincipalName: dto.userPrincipalName,
        displayName: dto.displayName,
        source: dto.source,
        onPremDistinguishedName: dto.onPremDistinguishedName ?? null,
        onPremDnNormalized: dto.onPremDistinguishedName === undefined ? null : normalizeDn(dto.onPremDistinguishedName),
        onPremImmutableId: dto.onPremImmutableId ?? null,
        enabled: true,
        passwordHash,
        mustChangePassword: dto.mustChangeAtNextSignIn ?? false,
      });
    } catch (err) {
      if (err instanceof QueryFailedError && isUniqueViolation(err.driverError, 'uq_users_tenant_anchor')) {
        throw new DomainError(ErrorCode.UserExists, 'A user with this on-premises immutable id already exists.');
      }
      if (err instanceof QueryFailedError && isUniqueViolation(err.driverError)) {
        throw new DomainError(ErrorCode.UserExists);
      }
      throw err;
    }
    return this.get(tenantId, id);
  }

  async list(tenantId: string): Promise<UserView[]> {
    const rows = await this.users.find({ where: { tenantId }, order: { userPrincipalName: 'ASC' }, take: LIST_LIMIT });
    return rows.map(toUserView);
  }

  async get(tenantId: string, userId: string): Promise<UserView> {
    const user = await this.users.findOneBy({ id: userId, tenantId });
    if (!user) throw new DomainError(ErrorCode.UserNotFound);
    return toUserView(user);
  }
}

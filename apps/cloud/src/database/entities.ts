import { AgentEntity } from '../agents/agent.entity';
import { UserSessionEntity } from '../auth/user-session.entity';
import { RegistrationTokenEntity } from '../agents/registration-token.entity';
import { DirectorySyncEntity } from '../directory-sync/directory-sync.entity';
import { GroupMemberEntity } from '../groups/group-member.entity';
import { GroupEntity } from '../groups/group.entity';
import { AdminTokenEntity } from '../tenants/admin-token.entity';
import { TenantSigningKeyEntity } from '../tenants/tenant-signing-key.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { UserEntity } from '../users/user.entity';
import { OutboxMessageEntity } from '../writeback/outbox-message.entity';
import { PasswordResetEntity } from '../writeback/password-reset.entity';
import { WritebackCommandEntity } from '../writeback/writeback-command.entity';

/** Every table the cloud owns; the migrations must describe exactly these. */
export const ENTITIES = [
  TenantEntity,
  TenantSigningKeyEntity,
  AdminTokenEntity,
  UserEntity,
  AgentEntity,
  RegistrationTokenEntity,
  WritebackCommandEntity,
  PasswordResetEntity,
  OutboxMessageEntity,
  GroupEntity,
  GroupMemberEntity,
  DirectorySyncEntity,
  UserSessionEntity,
];

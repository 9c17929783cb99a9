import { Module } from '@nestjs/common';
import { CloudPasswordsService } from './cloud-passwords.service';
import { CredentialsRepository } from './credentials.repository';
import { SessionsRepository } from './sessions.repository';
import { UserSessionGuard } from './user-session.guard';
import { UserSessionsService } from './user-sessions.service';

/**
 * Cloud-only passwords and user sessions: what the admin API (create, reset) and the user API (sign-in,
 * change) share. Depends on no feature module, so both can import it.
 */
@Module({
  providers: [CredentialsRepository, SessionsRepository, CloudPasswordsService, UserSessionsService, UserSessionGuard],
  exports: [CredentialsRepository, CloudPasswordsService, UserSessionsService, UserSessionGuard],
})
export class CredentialsModule {}

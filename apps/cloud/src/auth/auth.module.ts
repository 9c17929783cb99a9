import { Module } from '@nestjs/common';
import { WritebackModule } from '../writeback/writeback.module';
import { AuthController, MeController } from './auth.controller';
import { AuthService } from './auth.service';
import { CredentialsModule } from './credentials.module';

/** End users: sign-in (cloud hash or pass-through), sessions, their own password change. */
@Module({
  imports: [CredentialsModule, WritebackModule],
  controllers: [AuthController, MeController],
  providers: [AuthService],
})
export class AuthModule {}

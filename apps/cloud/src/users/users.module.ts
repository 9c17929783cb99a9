import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialsModule } from '../auth/credentials.module';
import { TenantsModule } from '../tenants/tenants.module';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), TenantsModule, CredentialsModule],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}

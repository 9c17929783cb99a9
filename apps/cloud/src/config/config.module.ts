import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CloudConfig } from './cloud-config';

/** Makes the one validated configuration injectable (by its class) everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: CloudConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CloudConfig, useValue: config }], exports: [CloudConfig] };
  }
}

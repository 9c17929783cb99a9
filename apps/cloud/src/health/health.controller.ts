import { Controller, Get, Module } from '@nestjs/common';

/** Liveness: the process serves HTTP. Readiness of PostgreSQL and the broker shows in /metrics and the status page. */
@Controller('health')
export class HealthController {
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
export class HealthModule {}

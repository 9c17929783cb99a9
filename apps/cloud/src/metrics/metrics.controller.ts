import { Controller, Get, Header, Res } from '@nestjs/common';
import { MetricsService } from './metrics.service';

interface TextResponse {
  type(contentType: string): { send(body: string): void };
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: TextResponse): Promise<void> {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}

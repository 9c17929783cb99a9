import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DirectorySyncEntity } from './directory-sync.entity';
import { toDirectorySyncView, type DirectorySyncView } from './dto/directory-sync.dto';

/** The record of a tenant's sync runs, for the admin page (the agents report their own sync lag). */
@Injectable()
export class DirectorySyncsService {
  constructor(@InjectRepository(DirectorySyncEntity) private readonly syncs: Repository<DirectorySyncEntity>) {}

  /** The latest runs first (by the cloud time of their first batch). */
  async list(tenantId: string, limit: number): Promise<DirectorySyncView[]> {
    const rows = await this.syncs.find({
      where: { tenantId },
      order: { startedAt: 'DESC', syncId: 'ASC' },
      take: limit,
    });
    return rows.map(toDirectorySyncView);
  }
}

import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { SyncMode } from '@sspr/contracts';
import type { DirectorySyncEntity } from '../directory-sync.entity';

export const DIRECTORY_SYNCS_DEFAULT_LIMIT = 20;

export class DirectorySyncsQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** One sync run, for the admin page and for the "sync lag" of the agents' health. */
export interface DirectorySyncView {
  syncId: string;
  agentId: string;
  mode: SyncMode;
  batchCount: number;
  batchesReceived: number;
  /** Cloud time of the run's first batch. */
  startedAt: string;
  lastBatchAt: string;
  /** Null while batches are missing. */
  completedAt: string | null;
  /** Users and groups together. */
  counters: { created: number; updated: number; unchanged: number; deleted: number; conflicts: number };
}

export function toDirectorySyncView(s: DirectorySyncEntity): DirectorySyncView {
  return {
    syncId: s.syncId,
    agentId: s.agentId,
    mode: s.mode,
    batchCount: s.batchCount,
    batchesReceived: s.receivedSequences.length,
    startedAt: s.startedAt.toISOString(),
    lastBatchAt: s.lastBatchAt.toISOString(),
    completedAt: s.completedAt?.toISOString() ?? null,
    counters: {
      created: s.created,
      updated: s.updated,
      unchanged: s.unchanged,
      deleted: s.deleted,
      conflicts: s.conflicts,
    },
  };
}

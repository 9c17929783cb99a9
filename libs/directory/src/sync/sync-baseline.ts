import { randomBytes } from 'node:crypto';

/** What the cloud was last sent for one object, as far as this source knows. */
export interface BaselineEntry {
  /** The directory's version of the entry when it was read (OpenLDAP entryCSN, AD uSNChanged). */
  version: string | undefined;
  /** BuiltObject.digest of what was sent (or of why it was skipped). */
  digest: string;
}

/** Every object in scope after one run, by anchor. */
export type Baseline = ReadonlyMap<string, BaselineEntry>;

/** A watermark's two parts: where the directory's change log stands, and the run that returned it. */
export interface Watermark {
  /** OpenLDAP: a generalized time; AD: a USN. */
  position: string;
  /** Names the in-memory baseline of the run that returned this watermark; absent for a bare position. */
  run?: string;
}

const SEPARATOR = '#';

/** `<position>#<run>`. The run part keeps two runs that end at the same position apart (nothing changed in between, or only deletions). */
export function formatWatermark(watermark: Required<Watermark>): string {
  return `${watermark.position}${SEPARATOR}${watermark.run}`;
}

export function parseWatermark(text: string): Watermark {
  const at = text.lastIndexOf(SEPARATOR);
  if (at < 0) return { position: text };
  return { position: text.slice(0, at), run: text.slice(at + 1) };
}

/** A new run id: unique per process and run, so a watermark saved by an earlier process never names a baseline here. */
export function newRunId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The baselines of the last runs, by the watermark they returned. A delta compares against the baseline of the
 * watermark it was given, so an agent that could not deliver a run and asks again from the older watermark gets
 * those changes again rather than losing them. Kept: the newest run's and the one it started from.
 */
export class SyncBaselines {
  readonly #byWatermark = new Map<string, { baseline: Baseline; origin?: string }>();

  get(watermark: string): Baseline | undefined {
    return this.#byWatermark.get(watermark)?.baseline;
  }

  /** The server the run read from, when its positions mean nothing on another one (AD USNs are per DC). */
  originOf(watermark: string): string | undefined {
    return this.#byWatermark.get(watermark)?.origin;
  }

  /** After a full run: every earlier baseline is obsolete. */
  reset(watermark: string, baseline: Baseline, origin?: string): void {
    this.#byWatermark.clear();
    this.#byWatermark.set(watermark, { baseline, origin });
  }

  /** After a delta from `from`: keep `from` (a retry may start there again) and the new one; drop the rest. */
  advance(from: string, watermark: string, baseline: Baseline, origin?: string): void {
    const previous = this.#byWatermark.get(from);
    this.#byWatermark.clear();
    if (previous) this.#byWatermark.set(from, previous);
    this.#byWatermark.set(watermark, { baseline, origin });
  }
}

/** Thrown by changesSince when the watermark names no baseline this source holds (another process, or too old). */
export class FullSyncRequiredError extends Error {
  override readonly name = 'FullSyncRequiredError';

  constructor() {
    super('this sync source holds no baseline for the watermark: run a full sync first');
  }
}

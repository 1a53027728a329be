/**
 * Read models built from the event log (DESIGN §2, §4, §5): the passport and the statistics
 * projections (pure), the projector that applies them page by page, and their storage.
 */
import { passportProjection } from './passport/passport.js';
import type { AnyProjection } from './projection.js';
import { statisticsProjection } from './statistics/facts.js';

export * from './passport/passport.js';
export * from './passport/views.js';
export * from './projection.js';
export * from './projector.js';
export * from './read-models/index.js';
export * from './statistics/documents.js';
export * from './statistics/facts.js';
export * from './statistics/mass.js';
export * from './statistics/queries.js';
export * from './statistics/time.js';

export interface ProjectionSettings {
  /** IANA time zone of the statistics' calendar years. */
  readonly reportingTimeZone: string;
}

/** Every projection Kierto runs, configured. */
export function kiertoProjections(settings: ProjectionSettings): AnyProjection[] {
  return [passportProjection, statisticsProjection({ timeZone: settings.reportingTimeZone })];
}

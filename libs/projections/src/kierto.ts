/**
 * The projections Kierto runs: the composition the API and the CLI start the projector with. The
 * engine knows none of them (docs/adr/0012-open-projection-contract.md); this list is where a new
 * read model's projection is added once its folder exists.
 */
import { passportProjection } from './passport/passport.js';
import type { AnyProjection } from './projection.js';
import { statisticsProjection } from './statistics/facts.js';
import { stockProjection } from './stock/stock.js';

/** What `--projection` selects and `GET /projections/status` lists (schemas/v1 ProjectionStatus). */
export const PROJECTION_NAMES = ['passports', 'statistics', 'stock'] as const;
export type KiertoProjectionName = (typeof PROJECTION_NAMES)[number];

export function isKiertoProjectionName(name: string): name is KiertoProjectionName {
  return (PROJECTION_NAMES as readonly string[]).includes(name);
}

export interface ProjectionSettings {
  /** IANA time zone of the statistics' calendar years. */
  readonly reportingTimeZone: string;
}

/** Every projection Kierto runs, configured. */
export function kiertoProjections(settings: ProjectionSettings): AnyProjection[] {
  return [passportProjection, statisticsProjection({ timeZone: settings.reportingTimeZone }), stockProjection];
}

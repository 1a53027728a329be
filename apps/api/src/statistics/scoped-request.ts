/**
 * A statistics query as asked, narrowed to what the caller may read: the one place the API routes
 * (statistics.controller.ts) and the dashboard pages (apps/api/src/dashboard) apply the data rule
 * (libs/access scopeStatisticsFilters, docs/access.md "Statistics are scoped"), so the two cannot
 * answer different figures for the same filters.
 */
import type { QueryBus } from '@nestjs/cqrs';
import { readScope, scopeStatisticsFilters, type Principal, type Refusal } from '#kierto/access';
import { parseTimestamp } from '#kierto/domain';
import type { StatisticsRequest } from '#kierto/projections';
import { GetMembershipHistory } from '../producers/membership-history.js';
import type { StatisticsQuery } from './statistics-query.dto.js';

/** The query's filters, year and as-of moment, or the refusal naming the parameter that asks for too much. */
export type ScopedStatisticsRequest =
  { readonly allowed: true; readonly request: StatisticsRequest } | (Refusal & { readonly field: string });

/** What of a query decides the figures (a page's query has no format or minPosition). */
export type StatisticsFilterQuery = Pick<
  StatisticsQuery,
  'year' | 'country' | 'producerId' | 'organisationId' | 'category' | 'market' | 'asOf'
>;

export async function scopedStatisticsRequest(
  queryBus: QueryBus,
  principal: Principal,
  query: StatisticsFilterQuery,
): Promise<ScopedStatisticsRequest> {
  const scoped = await scopeStatisticsFilters(readScope(principal.organisation), query, (producerId, organisationId) =>
    everMember(queryBus, producerId, organisationId),
  );
  if (!scoped.allowed) return scoped;
  return {
    allowed: true,
    request: {
      year: query.year,
      filters: {
        country: query.country ?? null,
        producerId: scoped.producerId ?? null,
        organisationId: scoped.organisationId ?? null,
        category: query.category ?? null,
        market: query.market ?? null,
      },
      // The canonical UTC form compares correctly with the stored recordedAt; impossible days are refused.
      asOf: query.asOf === undefined ? null : new Date(parseTimestamp(query.asOf, 'asOf')).toISOString(),
    },
  };
}

/**
 * Whether the producer is or was a member: a former member's figures from its years in the
 * organisation stay the organisation's, so they stay readable to it.
 */
async function everMember(queryBus: QueryBus, producerId: string, organisationId: string): Promise<boolean> {
  const history = await queryBus.execute(new GetMembershipHistory(producerId));
  return history !== null && history.changes.some((change) => change.organisationId === organisationId);
}

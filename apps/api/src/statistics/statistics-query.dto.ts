import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import {
  ISO_3166_1_ALPHA_2,
  normaliseCountryCode,
  type Market,
  type TreatmentLocation,
  type WeeeCategory,
} from '#kierto/domain';
import { MEASURES, TREATMENT_LOCATIONS, type Measure } from '#kierto/projections';
import { TIMESTAMP_PATTERN } from '#kierto/schemas';

/**
 * The query string every statistics endpoint takes. Unknown parameters are refused (400
 * UNKNOWN_FIELD), as is every malformed value, with the parameter's name as the field.
 */
export class StatisticsQuery {
  @ApiProperty({ description: 'Calendar year (of occurredAt in the reporting time zone)', example: 2025 })
  @Type(() => Number)
  @IsInt()
  @Min(1900)
  @Max(2100)
  year!: number;

  @ApiPropertyOptional({
    description: "Reporting country, ISO 3166-1 alpha-2 (an assigned code); Eurostat's EL and UK are read as GR and GB",
    example: 'FI',
  })
  @IsOptional()
  // The figures are stored under ISO codes only, so an alias is translated rather than matching nothing.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (normaliseCountryCode(value) ?? value) : value,
  )
  @IsIn(ISO_3166_1_ALPHA_2, {
    message: "country is an assigned ISO 3166-1 alpha-2 code such as FI (or Eurostat's EL or UK)",
  })
  country?: string;

  @ApiPropertyOptional({ description: 'Only the figures of this producer' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  producerId?: string;

  @ApiPropertyOptional({ description: 'Only the figures attributed to this producer organisation' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  organisationId?: string;

  @ApiPropertyOptional({ description: 'WEEE category 1–6', enum: [1, 2, 3, 4, 5, 6] })
  @IsOptional()
  @Type(() => Number)
  @IsIn([1, 2, 3, 4, 5, 6], { message: 'category is a WEEE category from 1 to 6' })
  category?: WeeeCategory;

  @ApiPropertyOptional({ enum: ['household', 'non-household'] })
  @IsOptional()
  @IsIn(['household', 'non-household'])
  market?: Market;

  @ApiPropertyOptional({
    description: 'Only events recorded at or before this instant count (RFC 3339)',
    example: '2026-01-31T23:59:59Z',
  })
  @IsOptional()
  @Matches(new RegExp(TIMESTAMP_PATTERN), { message: 'asOf is an RFC 3339 date-time with a time zone' })
  asOf?: string;

  @ApiPropertyOptional({
    description: 'Wait until the statistics include this global position (from a command response)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;

  @ApiPropertyOptional({
    description: 'json (default) or csv; `Accept: text/csv` does the same',
    enum: ['json', 'csv'],
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class FactsQuery extends StatisticsQuery {
  @ApiPropertyOptional({ enum: MEASURES })
  @IsOptional()
  @IsIn(MEASURES)
  measure?: Measure;

  @ApiPropertyOptional({ enum: TREATMENT_LOCATIONS })
  @IsOptional()
  @IsIn(TREATMENT_LOCATIONS)
  treatment?: TreatmentLocation;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Facts per page, 1–1000 (default 100)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';

/** Query string of GET /audit/devices/{deviceId}/passport: exactly one of asOf or position. */
export class PassportAsOfQuery {
  @ApiPropertyOptional({
    description: 'Only events recorded at or before this moment count',
    example: '2025-12-31T23:59:59Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  asOf?: string;

  @ApiPropertyOptional({ description: 'Only events at or before this global position count', example: '42' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,15}$/, { message: 'position is a positive integer' })
  position?: string;
}

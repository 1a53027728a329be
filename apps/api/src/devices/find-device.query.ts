import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';

/** Query string of GET /devices: a GTIN or a manufacturer, and a serial number. */
export class FindDeviceQuery {
  @ApiPropertyOptional({ description: 'GTIN-8, -12, -13 or -14', example: '09506000134352' })
  @ValidateIf((query: FindDeviceQuery) => query.manufacturer === undefined || query.gtin !== undefined)
  @Matches(/^(\d{8}|\d{12}|\d{13}|\d{14})$/, {
    message: 'gtin has 8, 12, 13 or 14 digits; give a gtin or a manufacturer',
  })
  gtin?: string;

  @ApiPropertyOptional({ description: 'Manufacturer name, when the device has no GTIN', example: 'Fairphone B.V.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  manufacturer?: string;

  @ApiProperty({ description: 'Serial number as printed on the device', example: 'SN-0001' })
  @IsString()
  @Length(1, 64)
  serialNumber!: string;
}

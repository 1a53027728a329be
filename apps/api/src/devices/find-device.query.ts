import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/**
 * The identifiers a device is found by: GTIN + serial, manufacturer + serial, or issuer + local id
 * (ADR 0016). Only shapes are checked here; which combination identifies a unit is the domain's
 * `identifierOfProduct`, so that the lookup and the minting follow one rule.
 */
export class FindDeviceQuery {
  @ApiPropertyOptional({ description: 'GTIN-8, -12, -13 or -14', example: '09506000134352' })
  @IsOptional()
  @Matches(/^(\d{8}|\d{12}|\d{13}|\d{14})$/, { message: 'gtin has 8, 12, 13 or 14 digits' })
  gtin?: string;

  @ApiPropertyOptional({ description: 'Manufacturer name, when the device has no GTIN', example: 'Fairphone B.V.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  manufacturer?: string;

  @ApiPropertyOptional({ description: 'Serial number as printed on the device', example: 'SN-0001' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  serialNumber?: string;

  @ApiPropertyOptional({
    description: 'Who gave a local id to a unit without identifiers of its own',
    example: 'Espoo reuse centre',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  issuer?: string;

  @ApiPropertyOptional({ description: 'The local id the issuer gave the unit (with issuer)', example: 'CAGE7-0042' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  localId?: string;
}

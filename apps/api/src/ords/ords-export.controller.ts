import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { seesEverything, type Permission } from '#kierto/access';
import type { EventStore } from '#kierto/event-store';
import { OrdsExport, writeCsv } from '#kierto/interop';
import { actorFor, requirePrincipal } from '../access/principal.js';
import { Requires } from '../access/decorators.js';
import { EVENT_STORE } from '../event-store.provider.js';

/**
 * Who may export repairs as ORDS: whoever reads the repair records of passports (repairer,
 * refurbisher, auditor, admin). A repairer or refurbisher exports the repairs its organisation
 * recorded; an auditor or admin every repair.
 */
export const ORDS_EXPORT_PERMISSION: Permission = 'passport:read-repairer';

/** Events per page read from the global log. */
const PAGE = 1_000;

@ApiTags('exports')
@Controller('exports')
export class OrdsExportController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('ords.csv')
  @Requires(ORDS_EXPORT_PERMISSION)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="ords.csv"')
  @ApiOperation({ summary: 'Repairs Kierto holds as an Open Repair Data Standard v0.3 CSV file (docs/interop.md)' })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'ORDS v0.3 CSV: the table schema’s 14 columns, one record per repair' })
  async exportOrds(@Req() request: Request): Promise<string> {
    actorFor(request, ORDS_EXPORT_PERMISSION);
    const { organisation } = requirePrincipal(request);
    const all = seesEverything(organisation.roles);
    const exported = new OrdsExport((event) => all || event.actor.organisationId === organisation.id);
    // The whole log, page by page: no read model keeps repairs with their source records yet.
    for (let after = 0; ;) {
      const page = await this.store.readAll(after, PAGE);
      for (const event of page) exported.add(event);
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE) break;
      after = last.globalPosition;
    }
    return writeCsv(exported.rows());
  }
}

import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { passportsPage, type AtCheckpoint, type Passport, type ReadModelStore } from '#kierto/projections';
import { ProjectionGate } from '../projections/projection-gate.js';
import { READ_MODELS } from '../projections/projections.tokens.js';

/** A page of passports in device-id order after `after`, once the read model has reached `minPosition`. */
export class GetPassportsPage extends Query<AtCheckpoint<readonly Passport[]>> {
  constructor(
    readonly after: string | null,
    readonly limit: number,
    readonly minPosition: number | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetPassportsPage)
export class GetPassportsPageHandler implements IQueryHandler<GetPassportsPage> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    private readonly gate: ProjectionGate,
  ) {}

  async execute({ after, limit, minPosition }: GetPassportsPage): Promise<AtCheckpoint<readonly Passport[]>> {
    await this.gate.reach('passports', minPosition);
    return passportsPage(this.readModels, after, limit);
  }
}

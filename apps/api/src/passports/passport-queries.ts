import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { AtCheckpoint, ReadModelStore } from '#kierto/projections';
import { passportAt, type Passport } from '#kierto/projections';
import { ProjectionGate } from '../projections/projection-gate.js';
import { READ_MODELS } from '../projections/projections.tokens.js';

/** A device's passport from the passports read model, once it has reached `minPosition`. */
export class GetPassport extends Query<AtCheckpoint<Passport | null>> {
  constructor(
    readonly deviceId: string,
    readonly minPosition: number | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetPassport)
export class GetPassportHandler implements IQueryHandler<GetPassport> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    private readonly gate: ProjectionGate,
  ) {}

  async execute({ deviceId, minPosition }: GetPassport): Promise<AtCheckpoint<Passport | null>> {
    await this.gate.reach('passports', minPosition);
    return passportAt(this.readModels, deviceId);
  }
}

import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { AtCheckpoint, ReadModelStore } from '#kierto/projections';
import { passportAt, type Passport } from '#kierto/projections';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { publicLinkOf } from '../pages/public-links.js';
import { ProjectionGate } from '../projections/projection-gate.js';
import { READ_MODELS } from '../projections/projections.tokens.js';

/**
 * A device's passport from the passports read model, once it has reached `minPosition`. Its
 * `digitalLink` is absolute under KIERTO_PUBLIC_URL when that is set (the read model stores the path,
 * so a new public URL needs no rebuild), else the path as stored.
 */
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
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async execute({ deviceId, minPosition }: GetPassport): Promise<AtCheckpoint<Passport | null>> {
    await this.gate.reach('passports', minPosition);
    const { value, checkpoint } = await passportAt(this.readModels, deviceId);
    if (value === null || value.digitalLink === null || this.config.publicUrl === null) return { value, checkpoint };
    return { value: { ...value, digitalLink: publicLinkOf(this.config.publicUrl, value.digitalLink) }, checkpoint };
  }
}

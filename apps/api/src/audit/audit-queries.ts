import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  deviceHistory,
  passportAsOf,
  type AsOf,
  verifyChain,
  type ChainVerdict,
  type DeviceAuditHistory,
} from '#kierto/audit';
import type { EventStore } from '#kierto/event-store';
import type { Passport } from '#kierto/projections';
import { EVENT_STORE } from '../event-store.provider.js';

/** Recompute the whole chain (streaming) and answer intact-up-to or the first failing position. */
export class VerifyChain extends Query<ChainVerdict> {}

/** A device's history for auditors (with hashes and hash validity), or null when it has no events. */
export class GetDeviceAuditHistory extends Query<DeviceAuditHistory | null> {
  constructor(readonly deviceId: string) {
    super();
  }
}

@QueryHandler(VerifyChain)
export class VerifyChainHandler implements IQueryHandler<VerifyChain> {
  /** The run in progress: concurrent requests share it instead of each scanning the whole store. */
  private running: Promise<ChainVerdict> | null = null;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(): Promise<ChainVerdict> {
    if (this.running === null) {
      this.running = verifyChain(this.store).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }
}

@QueryHandler(GetDeviceAuditHistory)
export class GetDeviceAuditHistoryHandler implements IQueryHandler<GetDeviceAuditHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ deviceId }: GetDeviceAuditHistory): Promise<DeviceAuditHistory | null> {
    return deviceHistory(this.store, deviceId);
  }
}

/** A device's passport as it stood at a past moment or position, or null when it had no events then. */
export class GetPassportAsOf extends Query<Passport | null> {
  constructor(
    readonly deviceId: string,
    readonly asOf: AsOf,
  ) {
    super();
  }
}

@QueryHandler(GetPassportAsOf)
export class GetPassportAsOfHandler implements IQueryHandler<GetPassportAsOf> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ deviceId, asOf }: GetPassportAsOf): Promise<Passport | null> {
    return passportAsOf(await this.store.readStream(deviceId), asOf);
  }
}

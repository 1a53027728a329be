import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  ChainBrokenError,
  checkDeviceChain,
  createCheckpoint,
  exportDeviceBundle,
  UnknownDeviceError,
  type ChainBroken,
  type CheckedDeviceHistory,
  type DeviceBundle,
  type SignedCheckpoint,
} from '#kierto/audit';
import type { EventStore } from '#kierto/event-store';
import { EVENT_STORE } from '../event-store.provider.js';
import { SigningKeys } from '../signing/signing-key.js';

/** A device's events, each checked against the events next to it in the log; null for an unknown device. */
export class CheckDeviceChain extends Query<CheckedDeviceHistory | null> {
  constructor(readonly deviceId: string) {
    super();
  }
}

@QueryHandler(CheckDeviceChain)
export class CheckDeviceChainHandler implements IQueryHandler<CheckDeviceChain> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ deviceId }: CheckDeviceChain): Promise<CheckedDeviceHistory | null> {
    return checkDeviceChain(this.store, deviceId);
  }
}

/** The device whose event is stored at a global position, or null when none is (deleted, or past the head). */
export class DeviceAtPosition extends Query<string | null> {
  constructor(readonly position: number) {
    super();
  }
}

@QueryHandler(DeviceAtPosition)
export class DeviceAtPositionHandler implements IQueryHandler<DeviceAtPosition> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ position }: DeviceAtPosition): Promise<string | null> {
    try {
      const [event] = await this.store.readAll(position - 1, 1);
      return event !== undefined && event.globalPosition === position ? event.streamId : null;
    } catch {
      // The row there may be the unreadable one the verdict names: then there is no device to show.
      return null;
    }
  }
}

export type CheckpointOutcome =
  | { readonly kind: 'signed'; readonly checkpoint: SignedCheckpoint }
  | { readonly kind: 'broken'; readonly verdict: ChainBroken }
  | { readonly kind: 'empty' };

/** A checkpoint of the current head, signed with the deployment's key after verifying the whole chain. */
export class SignCheckpoint extends Query<CheckpointOutcome> {}

@QueryHandler(SignCheckpoint)
export class SignCheckpointHandler implements IQueryHandler<SignCheckpoint> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly keys: SigningKeys,
  ) {}

  async execute(): Promise<CheckpointOutcome> {
    if ((await this.store.headPosition()) === 0) return { kind: 'empty' };
    const outcome = await createCheckpoint(this.store, this.keys.current().privateKey);
    return outcome.ok ? { kind: 'signed', checkpoint: outcome.checkpoint } : { kind: 'broken', verdict: outcome };
  }
}

export type BundleOutcome =
  | { readonly kind: 'exported'; readonly bundle: DeviceBundle }
  | { readonly kind: 'broken'; readonly verdict: ChainBroken }
  | { readonly kind: 'unknown-device' };

/**
 * A device's offline bundle against a checkpoint signed now (docs/audit.md, "Offline bundle"): the
 * chain is verified twice, once to sign the checkpoint and once while the proofs are collected, as
 * `kierto export-bundle` does without `--checkpoint`. The checkpoint covers the head as it was when
 * signed, so the bundle holds every event of the device up to then.
 */
export class ExportBundle extends Query<BundleOutcome> {
  constructor(readonly deviceId: string) {
    super();
  }
}

@QueryHandler(ExportBundle)
export class ExportBundleHandler implements IQueryHandler<ExportBundle> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly keys: SigningKeys,
  ) {}

  async execute({ deviceId }: ExportBundle): Promise<BundleOutcome> {
    if ((await this.store.readStream(deviceId)).length === 0) return { kind: 'unknown-device' };
    const signed = await createCheckpoint(this.store, this.keys.current().privateKey);
    if (!signed.ok) return { kind: 'broken', verdict: signed };
    try {
      const { bundle } = await exportDeviceBundle(this.store, deviceId, signed.checkpoint);
      return { kind: 'exported', bundle };
    } catch (error) {
      if (error instanceof ChainBrokenError) return { kind: 'broken', verdict: error.verdict };
      if (error instanceof UnknownDeviceError) return { kind: 'unknown-device' };
      throw error;
    }
  }
}

import type { DeviceCommand } from './commands.js';
import { DomainError, invalid, ruleBroken } from './errors.js';
import type {
  DeviceCollectedData,
  DeviceDataWipedData,
  DeviceEvent,
  DeviceRecycledData,
  DeviceRepairedData,
  RepairedProductDescription,
  WeeeCategory,
} from './events.js';
import { deviceIdOf, identifierOfProduct } from './identity.js';
import { PLAUSIBLE_UNIT_WEIGHT_KG } from './limits.js';
import { LotErrorCodes } from './lots.js';
import { ErrorCodes } from './rules.js';
import { assertNever, isRegistered, type DeviceState, type RegisteredDevice } from './state.js';
import { checkOccurredAt } from './time.js';
import { WEEE_CATEGORY_NAMES } from './weee.js';

/**
 * Decides which events a command produces given the device's current state, or throws a
 * DomainError naming the rule it breaks. Pure: everything it needs comes in with its arguments.
 */
export function decide(command: DeviceCommand, state: DeviceState): DeviceEvent[] {
  const occurredAt = command.occurredAt;
  switch (command.kind) {
    case 'PlaceDeviceOnMarket': {
      if (isRegistered(state)) {
        requireNotRecycled(state);
        throw new DomainError(
          'conflict',
          ErrorCodes.deviceAlreadyRegistered,
          `Device ${command.deviceId} is already registered; placing on market happens once, first`,
        );
      }
      checkProduct(command.data.product, 'product');
      checkDeviceId(command.deviceId, command.data.product, 'product');
      checkTime(command, null);
      return [{ type: 'DevicePlacedOnMarket', occurredAt, data: command.data }];
    }
    case 'CollectDevice': {
      checkCollection(command.data);
      if (!isRegistered(state)) {
        const product = command.data.product;
        if (product === undefined) {
          throw ruleBroken(
            ErrorCodes.productDescriptionRequired,
            `Device ${command.deviceId} is not known to Kierto: a collection that starts its history must carry the product description`,
            'product',
          );
        }
        checkProduct(product, 'product');
        checkMeasuredWeight(command.data, product.weeeCategory);
        checkDeviceId(command.deviceId, product, 'product');
        checkTime(command, null);
        return [{ type: 'DeviceCollected', occurredAt, data: command.data }];
      }
      const device = requireNotRecycled(state);
      if (device.status !== 'in-use') {
        throw ruleBroken(ErrorCodes.deviceNotInUse, `Only a device in use can be collected; it is ${device.status}`);
      }
      if (command.data.product !== undefined) {
        checkProduct(command.data.product, 'product');
        checkDeviceId(command.deviceId, command.data.product, 'product');
      }
      checkMeasuredWeight(command.data, device.product.weeeCategory);
      checkTime(command, device);
      return [{ type: 'DeviceCollected', occurredAt, data: command.data }];
    }
    case 'RecordDataWipe': {
      const device = requireNotRecycled(requireRegistered(state, command.deviceId));
      checkWipe(command.data);
      checkTime(command, device);
      return [{ type: 'DeviceDataWiped', occurredAt, data: command.data }];
    }
    case 'RecordRepair': {
      const product = command.data.product;
      // A repair that describes the product may start a history (ADR 0019): a repair café's record of
      // an owner's device. Without a description an unknown device stays not found.
      const device =
        product !== undefined && !isRegistered(state)
          ? null
          : requireNotRecycled(requireRegistered(state, command.deviceId));
      if (product !== undefined) {
        checkProduct(product, 'product');
        checkDeviceId(command.deviceId, product, 'product');
      }
      checkRepair(command.data);
      checkTime(command, device);
      return [{ type: 'DeviceRepaired', occurredAt, data: command.data }];
    }
    case 'RecordResale': {
      const device = requireNotRecycled(requireRegistered(state, command.deviceId));
      // Unknown (a device first seen at collection, described in part) counts as holding data.
      if (device.product.hasDataStorage !== false && !device.wipedSinceHandover) {
        throw ruleBroken(
          ErrorCodes.wipeRequiredBeforeResale,
          'This device stores user data: record a passing data wipe after its latest placing on market, collection or sale before reselling it',
        );
      }
      if (device.latestRepairOutcome === 'end-of-life') {
        throw ruleBroken(
          ErrorCodes.endOfLifeNotResellable,
          'The latest repair declared this device end-of-life; it cannot be resold',
        );
      }
      checkTime(command, device);
      return [{ type: 'DeviceResold', occurredAt, data: command.data }];
    }
    case 'RecordRecycling': {
      const device = requireNotRecycled(requireRegistered(state, command.deviceId));
      if (device.status !== 'collected') {
        throw ruleBroken(
          ErrorCodes.deviceNotCollected,
          `Only a collected device can be recycled; it is ${device.status}`,
        );
      }
      checkRecycling(command.data, device);
      checkTime(command, device);
      return [{ type: 'DeviceRecycled', occurredAt, data: command.data }];
    }
    case 'RecordHandover': {
      // Recorded with an accepted lot handover (lots.ts), whose rules say who may hand what to whom.
      const device = requireNotRecycled(requireRegistered(state, command.deviceId));
      if (command.data.fromOrganisationId === command.data.toOrganisationId) {
        throw invalid(
          LotErrorCodes.handoverToHolder,
          'toOrganisationId',
          'A handover goes from one organisation to another',
        );
      }
      checkTime(command, device);
      return [{ type: 'DeviceHandedOver', occurredAt, data: command.data }];
    }
    default:
      return assertNever(command);
  }
}

function requireRegistered(state: DeviceState, deviceId: string): RegisteredDevice {
  if (!isRegistered(state)) {
    throw new DomainError('not-found', ErrorCodes.deviceNotFound, `No device ${deviceId} is registered`);
  }
  return state;
}

function requireNotRecycled(device: RegisteredDevice): RegisteredDevice {
  if (device.status === 'recycled') {
    throw ruleBroken(ErrorCodes.deviceAlreadyRecycled, 'The device has been recycled; its history is closed');
  }
  return device;
}

/** Rule 5: never before the stream's previous event, never in the future beyond a small skew. */
function checkTime(command: DeviceCommand, device: RegisteredDevice | null): void {
  checkOccurredAt(command.occurredAt, command.now, device?.lastOccurredAt ?? null);
}

function checkDeviceId(deviceId: string, product: RepairedProductDescription, field: string): void {
  const derived = deviceIdOf(identifierOfProduct(product, `${field}.`), `${field}.`);
  if (derived !== deviceId) {
    throw invalid(
      ErrorCodes.deviceIdMismatch,
      field,
      `The product's identifiers give device id ${derived}, not ${deviceId}`,
    );
  }
}

function checkPositive(value: number, field: string): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw invalid(ErrorCodes.nonPositiveWeight, field, `${field} must be a positive number of kilograms`);
  }
}

/**
 * A unit heavier than its category's plausible limit (limits.ts) is a mistake, most often kg and g
 * mixed up; refused so that it never lands in the totals. A rule (422), not a shape error: the value
 * is a well-formed weight, only implausible for this category.
 */
function checkPlausibleWeight(weightKg: number, category: WeeeCategory, field: string): void {
  const limitKg = PLAUSIBLE_UNIT_WEIGHT_KG[category];
  if (weightKg > limitKg) {
    throw ruleBroken(
      ErrorCodes.implausibleWeight,
      `${field} ${weightKg} kg is more than ${limitKg} kg, the plausible limit for one unit of WEEE category ${category}` +
        ` (${WEEE_CATEGORY_NAMES[category]}); check the unit (kg, not g)`,
      field,
    );
  }
}

/**
 * A full description (placing on market) or the part a collector or repairer knows: the same rules
 * for what is there. Only a repair may leave the weight out (ADR 0019; the types require it elsewhere).
 */
function checkProduct(product: RepairedProductDescription, field: string): void {
  if (product.weightKg !== undefined) {
    checkPositive(product.weightKg, `${field}.weightKg`);
    checkPlausibleWeight(product.weightKg, product.weeeCategory, `${field}.weightKg`);
  }
  let materialsKg = 0;
  product.hazardousSubstances?.forEach((substance, index) => {
    if (substance.massKg !== undefined)
      checkPositive(substance.massKg, `${field}.hazardousSubstances[${index}].massKg`);
  });
  product.materials?.forEach((material, index) => {
    checkPositive(material.massKg, `${field}.materials[${index}].massKg`);
    materialsKg += material.massKg;
  });
  if (product.weightKg !== undefined && materialsKg > product.weightKg * (1 + 1e-9)) {
    throw invalid(
      ErrorCodes.materialsExceedWeight,
      `${field}.materials`,
      `The materials weigh ${materialsKg} kg, more than the device's ${product.weightKg} kg`,
    );
  }
}

function checkCollection(data: DeviceCollectedData): void {
  if (data.measuredWeightKg !== undefined) checkPositive(data.measuredWeightKg, 'measuredWeightKg');
}

/** The weight measured at collection, against the category the device's history gives it. */
function checkMeasuredWeight(data: DeviceCollectedData, category: WeeeCategory): void {
  if (data.measuredWeightKg !== undefined) checkPlausibleWeight(data.measuredWeightKg, category, 'measuredWeightKg');
}

function checkWipe(data: DeviceDataWipedData): void {
  const anyMediumFailed = data.media.some((medium) => medium.result === 'failed');
  const verified = data.verification.verified && data.verification.method !== 'none';
  if (data.result === 'passed' && (data.media.length === 0 || anyMediumFailed || !verified)) {
    throw invalid(
      ErrorCodes.wipeResultInconsistent,
      'result',
      'A wipe can only pass when it names its media, every medium passed and a verification succeeded',
    );
  }
}

function checkRepair(data: DeviceRepairedData): void {
  // ORDS makes the barrier optional: a transcribed record keeps its source's choice (ADR 0019).
  if (data.outcome === 'end-of-life' && data.barrier === undefined && data.source === undefined) {
    throw invalid(ErrorCodes.endOfLifeWithoutBarrier, 'barrier', 'An end-of-life outcome names its barrier to repair');
  }
  if (data.outcome !== 'end-of-life' && data.barrier !== undefined) {
    throw invalid(
      ErrorCodes.barrierWithoutEndOfLife,
      'barrier',
      'A barrier is only recorded for an end-of-life outcome',
    );
  }
}

function checkRecycling(data: DeviceRecycledData, device: RegisteredDevice): void {
  checkPositive(data.weightKg, 'weightKg');
  checkPlausibleWeight(data.weightKg, device.product.weeeCategory, 'weightKg');
  let outputsKg = 0;
  data.outputs.forEach((output, index) => {
    checkPositive(output.massKg, `outputs[${index}].massKg`);
    outputsKg += output.massKg;
  });
  // A device first seen at a repair may have no known weight: the weight received is then the bound.
  const deviceKg = device.measuredWeightKg ?? device.product.weightKg ?? data.weightKg;
  const limitKg = Math.min(data.weightKg, deviceKg);
  if (outputsKg > limitKg * (1 + 1e-9)) {
    throw ruleBroken(
      ErrorCodes.recyclingOutputsExceedWeight,
      `The outputs weigh ${outputsKg} kg, more than the ${limitKg} kg of the device received for treatment`,
      'outputs',
    );
  }
}

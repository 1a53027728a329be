/**
 * The delivery note of a lot handover (docs/intake.md, "Receiving a pallet"): what the sender hands
 * over and the receiver signs for, laid out for paper. It lists the lot, both organisations, the
 * devices with their serial numbers and unit weights (or a bulk lot's category and weighed mass)
 * and, once the handover is answered, the received mass and the weighbridge difference or the
 * reason for the refusal; blank blocks for the two signatures. Made with pdfkit as the certificates are.
 */
import { WEEE_CATEGORY_NAMES } from '#kierto/domain';
import type { HandoverView, LotView } from '#kierto/application';
import { printedDocument, type PrintedDocumentOptions } from '../pages/pdf-document.js';

export type DeliveryNotePdfOptions = PrintedDocumentOptions;

const kg = (value: number | null): string => (value === null ? 'unknown' : `${value} kg`);

export function deliveryNotePdf(
  lot: LotView,
  handover: HandoverView,
  options: DeliveryNotePdfOptions = {},
): Promise<Buffer> {
  const { document, heading, done } = printedDocument(`Delivery note ${handover.handoverId}`, options);

  document.font('Helvetica-Bold').fontSize(18).text(`Delivery note ${handover.handoverId}`);
  document.font('Helvetica').fontSize(9).text(`Lot ${lot.lotId}  ·  offered ${handover.offeredAt}`);

  heading('Parties');
  document.text(`From: ${handover.fromOrganisationId}`);
  document.text(`To: ${handover.toOrganisationId}`);
  if (handover.note !== null) document.text(`Note: ${handover.note}`);

  heading('Lot');
  document.text(`${lot.kind}${lot.label === null ? '' : `, ${lot.label}`}`);
  if (lot.bulk !== null) {
    document.text(
      `Bulk WEEE, category ${lot.bulk.weeeCategory} (${WEEE_CATEGORY_NAMES[lot.bulk.weeeCategory]}): ${lot.bulk.massKg} kg weighed at collection`,
    );
  } else {
    const byId = new Map(lot.devices.map((device) => [device.deviceId, device]));
    document.text(`${handover.deviceIds.length} devices:`);
    for (const deviceId of handover.deviceIds) {
      const device = byId.get(deviceId);
      const name = [device?.manufacturer, device?.model].filter((part) => part != null).join(' ');
      document.text(
        `${deviceId}${name === '' ? '' : `  ${name}`}, serial ${device?.serialNumber ?? 'not recorded'}, ${kg(device?.unitWeightKg ?? null)}`,
      );
    }
  }

  heading('Receipt');
  if (handover.status === 'offered') {
    document.text('Waiting for the receiver: received mass ______ kg, weighbridge ticket ____________');
  } else if (handover.status === 'rejected') {
    document.text(`Rejected on ${handover.answeredAt ?? '-'}: ${handover.rejectionReason ?? ''}`);
  } else {
    document.text(
      `Accepted on ${handover.answeredAt ?? '-'}: received ${kg(handover.receivedMassKg)}` +
        (handover.weighbridgeTicket === null ? '' : `, weighbridge ticket ${handover.weighbridgeTicket}`),
    );
    const weighbridge = handover.weighbridge;
    if (weighbridge !== null) {
      const percent = weighbridge.differencePercent === null ? '' : ` (${weighbridge.differencePercent} %)`;
      document.text(
        `Expected ${weighbridge.expectedKg} kg, difference ${weighbridge.differenceKg} kg${percent}` +
          (weighbridge.unitsWithoutWeight > 0
            ? `; ${weighbridge.unitsWithoutWeight} units without a known weight`
            : ''),
      );
    }
  }

  heading('Signatures');
  document.text('Handed over by (name, date, signature): ____________________________________');
  document.moveDown(1.5);
  document.text('Received by (name, date, signature): ______________________________________');
  document.end();
  return done;
}

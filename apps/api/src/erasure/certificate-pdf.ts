/**
 * The printable data sanitisation certificate: the content of the signed JSON laid out after NIST
 * SP 800-88 Appendix G (media, sanitisation, verification, result), with blank blocks for the person
 * who performed the sanitisation and the one who validates it to sign by hand. The PDF is not itself
 * signed: it prints the certificate id and the SHA-256 of the signed JSON's JWS, so a reader can
 * check the paper against the JSON (`kierto verify-certificate`).
 */
import { createHash } from 'node:crypto';
import type { CertifiedMedium, SignedCertificate } from '#kierto/interop';
import { printedDocument, type PrintedDocumentOptions } from '../pages/pdf-document.js';

export type CertificatePdfOptions = PrintedDocumentOptions;

function mediumLine(medium: CertifiedMedium): string {
  const name = [medium.make, medium.model].filter((part) => part !== null).join(' ') || 'medium';
  return `${name}, serial ${medium.serialNumber ?? 'unreadable'}, ${medium.type}, ${medium.capacityGb ?? '?'} GB: ${medium.result}`;
}

export function certificatePdf(signed: SignedCertificate, options: CertificatePdfOptions = {}): Promise<Buffer> {
  const { certificate } = signed;
  const subject = certificate.credentialSubject;
  const { document, heading, done } = printedDocument('Data sanitisation certificate', options);
  document.font('Helvetica-Bold').fontSize(18).text('Data sanitisation certificate');
  document
    .font('Helvetica')
    .fontSize(9)
    .text(`${certificate.id}  ·  issued by ${certificate.issuer}  ·  ${certificate.validFrom}`);

  heading('Covers');
  const scope = subject.scope;
  if (scope.kind === 'device') {
    const name = [scope.manufacturer, scope.brand, scope.model].filter((part) => part !== null).join(' ');
    document.text(
      `Device ${scope.deviceId}${name === '' ? '' : ` (${name})`}, serial ${scope.serialNumber ?? 'not recorded'}`,
    );
  } else {
    document.text(`Erasure report ${scope.reportId}, imported by ${scope.importedBy} on ${scope.importedAt}`);
  }
  document.text(
    subject.allErasedAndVerified
      ? `Result: every device's latest wipe passed, verified. Data erased on ${subject.erasedOn ?? '-'}.`
      : 'Result: NOT every device covered has a passing, verified wipe (see below).',
  );

  for (const wipe of subject.wipes) {
    heading(`${wipe.deviceId}: ${wipe.occurredAt}`);
    document.text(`Method: ${wipe.standard} ${wipe.method}${wipe.technique === null ? '' : ` (${wipe.technique})`}`);
    document.text(`Tool: ${wipe.tool.name} ${wipe.tool.version}   Evidence: ${wipe.evidence}`);
    document.text(
      `Verification: ${wipe.verification.method}, ${wipe.verification.verified ? 'verified' : 'NOT verified'}   Result: ${wipe.result}`,
    );
    document.text(`Recorded by ${wipe.recordedBy} on ${wipe.recordedAt}`);
    for (const medium of wipe.media) document.text(`  - ${mediumLine(medium)}`);
  }
  if (scope.kind === 'erasure-report' && scope.unmatchedMedia.length > 0) {
    heading('Media not matched to a device (not certified)');
    for (const medium of scope.unmatchedMedia) document.text(`  - ${mediumLine(medium)}`);
  }

  for (const role of ['Sanitisation performed by', 'Validated by']) {
    heading(role);
    document.text('Name: ______________________   Title: ______________________');
    document.text('Organisation: ______________________   Location: ______________________');
    document.text('Signature: ______________________   Date: ______________________');
  }
  heading('Check this paper against the signed JSON');
  document
    .fontSize(8)
    .text(
      `Signed by ${certificate.issuer}; SHA-256 of the JWS: ${createHash('sha256').update(signed.proof.jws).digest('hex')}`,
    );
  document.end();
  return done;
}

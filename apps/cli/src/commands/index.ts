import type { CliCommand } from '../cli-command.js';
import { backupCommand, restoreCommand } from './backup.js';
import { checkpointCommand } from './checkpoint.js';
import { createAdminCommand } from './create-admin.js';
import { driftCommand } from './drift.js';
import { exportBundleCommand } from './export-bundle.js';
import { historyCommand } from './history.js';
import { importCommand } from './import.js';
import { importOrdsCommand } from './import-ords.js';
import { intakeCommand } from './intake.js';
import { inviteUserCommand } from './invite-user.js';
import { keygenCommand } from './keygen.js';
import { projectCommand, rebuildCommand } from './projections.js';
import { quarantineCommand } from './quarantine.js';
import { verifyBundleCommand } from './verify-bundle.js';
import { verifyCertificateCommand } from './verify-certificate.js';
import { verifyCredentialCommand } from './verify-credential.js';
import { verifyCommand } from './verify.js';

/** Every command of the CLI; `kierto help` lists them in this order. */
export const COMMANDS: readonly CliCommand[] = [
  verifyCommand,
  keygenCommand,
  checkpointCommand,
  exportBundleCommand,
  verifyBundleCommand,
  verifyCredentialCommand,
  verifyCertificateCommand,
  historyCommand,
  projectCommand,
  rebuildCommand,
  quarantineCommand,
  driftCommand,
  backupCommand,
  restoreCommand,
  importCommand,
  importOrdsCommand,
  intakeCommand,
  createAdminCommand,
  inviteUserCommand,
];

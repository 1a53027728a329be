import { Global, Module } from '@nestjs/common';
import { SigningKeys } from './signing-key.js';

/**
 * The deployment's signing key, injectable anywhere (`SigningKeys`): credentials now, data
 * sanitisation certificates later. Global so that a feature needs no import to use it.
 */
@Global()
@Module({ providers: [SigningKeys], exports: [SigningKeys] })
export class SigningModule {}

import { SetMetadata } from '@nestjs/common';
import type { Permission } from '../../../../libs/access/src/index.js';

export const PUBLIC_KEY = 'kierto:public';
export const PERMISSION_KEY = 'kierto:permission';

/** Reachable without a key (a key, when sent, is still checked and identifies the caller). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The permission a route needs; every non-public route names one (a test checks them all). */
export const Requires = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(PERMISSION_KEY, permission);

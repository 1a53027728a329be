import { Module } from '@nestjs/common';
import { createIntakeStore, type IntakeStore } from '#kierto/import';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { DEFAULT_INTAKE_LIMITS, INTAKE_LIMITS, IntakeController, type IntakeLimits } from './intake.controller.js';
import { INTAKE_STORE, IntakeJobs } from './intake-jobs.js';

/** A positive integer from the environment, or the default. */
function configured(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? '');
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/**
 * Spreadsheet intake (docs/import.md, "Spreadsheets"): saved column mappings, preview, and jobs that
 * run sheets through the bulk import. IntakeJobs closes the intake store once its jobs stopped.
 */
@Module({
  controllers: [IntakeController],
  providers: [
    {
      provide: INTAKE_STORE,
      inject: [API_CONFIG],
      useFactory: async (config: ApiConfig): Promise<IntakeStore> => {
        const store = createIntakeStore({
          databaseUrl: config.databaseUrl ?? undefined,
          databaseSchema: config.databaseSchema,
          dataDir: config.dataDir,
        });
        await store.init();
        return store;
      },
    },
    {
      provide: INTAKE_LIMITS,
      useFactory: (): IntakeLimits => ({
        bodyBytes: configured('KIERTO_INTAKE_BODY_LIMIT', DEFAULT_INTAKE_LIMITS.bodyBytes),
        rows: configured('KIERTO_INTAKE_MAX_ROWS', DEFAULT_INTAKE_LIMITS.rows),
      }),
    },
    IntakeJobs,
  ],
})
export class IntakeModule {}

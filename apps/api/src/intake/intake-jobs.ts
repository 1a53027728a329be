import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Organisation } from '#kierto/access';
import type { Actor, EventStore } from '#kierto/event-store';
import {
  runIntake,
  type ColumnMapping,
  type IntakeJob,
  type IntakeProgress,
  type IntakeRowError,
  type IntakeStore,
  type Sheet,
} from '#kierto/import';
import { EVENT_STORE } from '../event-store.provider.js';
import { importAuthorisation } from '../import/import-authorisation.js';
import type { ApiMetrics } from '../metrics/metrics.js';
import { METRICS } from '../metrics/metrics.module.js';

export const INTAKE_STORE = Symbol('INTAKE_STORE');
/** Events per transaction of an intake job: smaller than the NDJSON import's, so progress moves often. */
export const INTAKE_BATCH_EVENTS = 500;

/** What a job was interrupted by; the rows are safe to send again (ADR 0024). */
export const INTERRUPTED =
  'The API stopped while this job ran; re-run it with the same file: nothing is imported twice';

/** What a job needs to run: the sheet (held in memory only), its mapping, and who sent it. */
export interface JobRequest {
  readonly organisation: Organisation;
  readonly actor: Actor;
  readonly mappingName: string;
  readonly mapping: ColumnMapping;
  readonly sheet: Sheet;
  readonly correlationId: string | undefined;
}

class Interrupted extends Error {}

/**
 * The in-process queue of intake jobs: one job at a time per organisation (its jobs run in the order
 * sent), organisations side by side. A job's status is stored after every committed batch, so
 * `GET /intake/jobs/{id}` reads progress from the store and any instance could answer it. On start,
 * jobs left queued or running by a previous process are marked failed (their sheets were in its
 * memory); on shutdown the running jobs stop after their current batch and are marked the same way.
 */
@Injectable()
export class IntakeJobs implements OnModuleInit, OnApplicationShutdown {
  private readonly queues = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    @Inject(INTAKE_STORE) private readonly intake: IntakeStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(METRICS) private readonly metrics: ApiMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.intake.failUnfinished(INTERRUPTED, new Date().toISOString());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.queues.values());
    await this.intake.close();
  }

  /** Stores the job as queued and puts it behind the organisation's running job. */
  async submit(request: JobRequest): Promise<IntakeJob> {
    const job: IntakeJob = {
      id: randomUUID(),
      organisationId: request.organisation.id,
      mapping: request.mappingName,
      state: 'queued',
      columns: request.sheet.columns,
      progress: {
        rows: request.sheet.rows.length,
        rowsRead: 0,
        imported: 0,
        duplicates: 0,
        refused: 0,
        rowsPerSecond: 0,
        etaSeconds: null,
        elapsedMs: 0,
      },
      lastPosition: null,
      failure: null,
      createdAt: new Date().toISOString(),
      finishedAt: null,
    };
    await this.intake.saveJob(job);
    const key = request.organisation.id;
    const next = (this.queues.get(key) ?? Promise.resolve()).then(() => this.run(job, request));
    this.queues.set(key, next);
    // The queue entry goes once it is the last one, so the map holds only organisations with work.
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return job;
  }

  /** Runs one job to its end; never rejects (a failure is the job's state). */
  private async run(queued: IntakeJob, request: JobRequest): Promise<void> {
    let job: IntakeJob = { ...queued, state: 'running' };
    const errors: IntakeRowError[] = [];
    try {
      if (this.stopping) throw new Interrupted(INTERRUPTED);
      await this.intake.saveJob(job);
      const summary = await runIntake(this.store, request.sheet, request.mapping, {
        actor: request.actor,
        authorise: importAuthorisation(request.organisation, this.store),
        batchEvents: INTAKE_BATCH_EVENTS,
        correlationId: request.correlationId,
        onError: (error) => {
          errors.push(error);
        },
        onProgress: async (progress: IntakeProgress) => {
          job = { ...job, progress };
          await this.intake.saveJob(job);
          // Stops between batches: what was committed stays, the rest comes with a re-run.
          if (this.stopping) throw new Interrupted(INTERRUPTED);
        },
      });
      const { lastPosition, ...progress } = summary;
      this.metrics.countImport({
        imported: summary.imported,
        duplicates: summary.duplicates,
        refused: summary.refused,
      });
      await this.intake.saveJobErrors(job.id, errors);
      job = { ...job, state: 'done', progress, lastPosition, finishedAt: new Date().toISOString() };
      await this.intake.saveJob(job);
    } catch (error) {
      const failure = error instanceof Interrupted ? error.message : `The job failed: ${(error as Error).message}`;
      job = { ...job, state: 'failed', failure, finishedAt: new Date().toISOString() };
      await this.intake.saveJobErrors(job.id, errors).catch(() => undefined);
      await this.intake.saveJob(job).catch(() => undefined);
    }
  }
}

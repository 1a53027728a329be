import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '#kierto/event-store';
import { waitForCheckpoint, type Projector, type ProjectionName } from '#kierto/projections';
import type { ReadModelStore } from '#kierto/projections';
import type { ApiConfig } from '../config.js';
import { API_CONFIG, EVENT_STORE } from '../event-store.provider.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { PROJECTOR, READ_MODELS } from './projections.tokens.js';

/**
 * Read-your-writes for queries: a command's response carries the global positions of its events;
 * a query given `?minPosition=P` waits (at most KIERTO_PROJECTION_WAIT_MS) until the read model it
 * reads has applied P, then answers. Still behind after the wait: 503 PROJECTION_NOT_CAUGHT_UP with
 * the checkpoint reached, to retry later. 503 rather than 409: nothing is wrong with the request,
 * the server is momentarily behind (Retry-After says when to come back).
 */
@Injectable()
export class ProjectionGate {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async reach(name: ProjectionName, minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined || minPosition === 0) return;
    const head = await this.store.headPosition();
    if (minPosition > head) {
      throw badRequest(
        'POSITION_NOT_IN_STORE',
        'minPosition',
        `minPosition ${minPosition} is beyond the last recorded event (${head}); positions come from command responses`,
      );
    }
    const wait = await waitForCheckpoint(
      this.readModels,
      name,
      minPosition,
      this.config.projectionWaitMs,
      this.config.runProjector ? this.projector : null,
    );
    if (!wait.reached) {
      throw new ApiError(
        503,
        'PROJECTION_NOT_CAUGHT_UP',
        `The ${name} read model is at position ${wait.checkpoint}, not yet at ${minPosition}, after waiting ` +
          `${this.config.projectionWaitMs} ms; retry shortly`,
        [{ field: 'minPosition', code: 'PROJECTION_NOT_CAUGHT_UP', message: `checkpoint ${wait.checkpoint}` }],
      );
    }
  }
}

import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '#kierto/event-store';
import { Public } from '../access/decorators.js';
import { EVENT_STORE } from '../event-store.provider.js';

export interface Health {
  readonly status: 'ok';
  readonly store: EventStore['kind'];
  readonly headPosition: number;
}

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and store reachability' })
  async health(): Promise<Health> {
    try {
      return { status: 'ok', store: this.store.kind, headPosition: await this.store.headPosition() };
    } catch {
      throw new ServiceUnavailableException('The event store cannot be reached');
    }
  }
}

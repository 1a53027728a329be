import type { DeviceCommand } from './commands.js';
import { decide } from './decide.js';
import type { DeviceEvent } from './events.js';
import { evolve, initialState, type DeviceState } from './state.js';

/**
 * The three functions of a decider (docs/architecture.md): what the one command handler folds a stream with
 * and decides on. Every kind of stream (devices, producer memberships) has one.
 */
export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

export const deviceDecider: Decider<DeviceCommand, DeviceEvent, DeviceState> = { decide, evolve, initialState };

/** DI token of the ReadModelStore (SQLite or PostgreSQL, as the event store). */
export const READ_MODELS = Symbol('READ_MODELS');
/** DI token of the Projector of this process (prepared; started only when KIERTO_PROJECTOR=on). */
export const PROJECTOR = Symbol('PROJECTOR');
/** DI token of the ProjectorRunner: whether this process projects, alone or as the elected leader. */
export const PROJECTOR_RUNNER = Symbol('PROJECTOR_RUNNER');

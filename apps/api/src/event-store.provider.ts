/** DI token of the EventStore port; the module decides which adapter stands behind it. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** DI token of the ApiConfig the application was started with. */
export const API_CONFIG = Symbol('API_CONFIG');

/** DI token of the AccessStore (organisations and API keys). */
export const ACCESS_STORE = Symbol('ACCESS_STORE');
/** DI token of the RequestLimiter: request budgets in process, or shared through PostgreSQL. */
export const REQUEST_LIMITER = Symbol('REQUEST_LIMITER');
/** DI token of the KeyCache: API keys looked up recently (docs/adr/0035). */
export const KEY_CACHE = Symbol('KEY_CACHE');

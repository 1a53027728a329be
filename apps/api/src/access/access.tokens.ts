/** DI token of the AccessStore (organisations and API keys). */
export const ACCESS_STORE = Symbol('ACCESS_STORE');

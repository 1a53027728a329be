/**
 * Type-level helpers of the schema drift check (drift.check.ts). Kept apart so that the spec can
 * compile a deliberately drifted schema against exactly the same assertion and see it fail.
 */

/**
 * Re-exported so that a file compiled from outside the repository (the spec's drifted variants, in a
 * temp folder) resolves json-schema-to-ts through this file, i.e. from the repository's node_modules.
 */
export type { FromSchema } from 'json-schema-to-ts';

/**
 * Removes `readonly` everywhere and flattens intersections into one object type. The domain types are
 * deeply readonly and the request types are intersections, while json-schema-to-ts yields mutable,
 * flat objects; neither difference is drift, so both sides are normalised before comparing.
 * Optionality survives: a homomorphic mapped type keeps `?`.
 */
export type Normalise<T> = T extends readonly (infer E)[]
  ? Normalise<E>[]
  : T extends object
    ? { -readonly [K in keyof T]: Normalise<T[K]> }
    : T;

/**
 * Strict type identity (not mere mutual assignability): differs on optional vs required properties,
 * on `any`, and on every added, removed or renamed property and enum member.
 */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * `true` exactly when `FromSchema<typeof schema>` (passed in as `Derived`) and `T` describe the same
 * values. FromSchema is applied by the caller to each concrete schema: wrapping it in a generic alias
 * here makes TypeScript explore it with an abstract schema, which fails with TS2589 (too deep).
 */
export type SchemaMatches<Derived, T> = Equals<Normalise<Derived>, Normalise<T>>;

/** Compile-time assertion: `Assert<X>` is an error unless X is `true`. */
export type Assert<T extends true> = T;

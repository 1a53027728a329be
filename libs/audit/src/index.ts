/** Audit (docs/audit.md): chain verification, signed checkpoints, replay and offline bundles. */
export * from './verify-chain.js';
export * from './checkpoint.js';
export * from './bundle.js';
export * from './device-history.js';
export * from './device-chain-check.js';
export { AuditInputError } from './json-shape.js';
export {
  EMPTY_TREE_ROOT,
  InclusionProofBuilder,
  MerkleBuilder,
  inclusionRanges,
  leafHash,
  verifyInclusion,
} from './merkle.js';
export * from './passport-as-of.js';

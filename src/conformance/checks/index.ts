import type { ConformanceCheck } from '../check.js';
import { CLOSE_CHECKS } from './close.js';
import { COMPARE_AND_SAVE_CHECKS } from './compare-and-save.js';
import { CONCURRENCY_CHECKS } from './concurrency.js';
import { CONTRACT_CHECKS } from './contract.js';
import { DELETE_CHECKS } from './delete.js';
import { FAILURE_CHECKS } from './failures.js';
import { ID_CHECKS } from './ids.js';
import { LEASE_CHECKS } from './leases.js';
import { LOOKUP_CHECKS } from './lookups.js';
import { MATCHING_CHECKS } from './matching.js';
import { PERSISTENCE_CHECKS } from './persistence.js';
import { RAW_CHECKS } from './raw.js';
import { SAVE_CHECKS } from './save.js';
import { VALUE_CHECKS } from './values.js';

/** Every check, in report order: the contract first, optional capabilities last. */
export const CHECKS: readonly ConformanceCheck[] = [
  ...CONTRACT_CHECKS,
  ...MATCHING_CHECKS,
  ...SAVE_CHECKS,
  ...ID_CHECKS,
  ...LOOKUP_CHECKS,
  ...DELETE_CHECKS,
  ...VALUE_CHECKS,
  ...CONCURRENCY_CHECKS,
  ...PERSISTENCE_CHECKS,
  ...FAILURE_CHECKS,
  ...RAW_CHECKS,
  ...LEASE_CHECKS,
  ...COMPARE_AND_SAVE_CHECKS,
  ...CLOSE_CHECKS,
];

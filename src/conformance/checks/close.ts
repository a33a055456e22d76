import type { ConformanceCheck } from '../check.js';
import { kitToken, saveInOrder } from '../fixtures.js';

const closes: ConformanceCheck = {
  id: 'close.resolves',
  title: 'close() resolves, and twice is harmless',
  expected: 'close() resolves after use, and a second close() resolves too',
  hint: 'end pools and handles once; make a second close() a no-op',
  requires: 'close',
  async run({ store }) {
    await saveInOrder(store, [kitToken('ada')]);
    await store.close!();
    await store.close!();
  },
};

/** Releasing handles, for stores that have `close()`. */
export const CLOSE_CHECKS: readonly ConformanceCheck[] = [closes];

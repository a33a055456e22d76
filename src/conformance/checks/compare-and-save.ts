import type { ConformanceCheck } from '../check.js';
import { describeCall, describeError, describeValue } from '../describe.js';
import { expectToken, rejectionOf } from '../expect.js';
import { fail } from '../failure.js';
import { copyOf, kitToken, userOf } from '../fixtures.js';

function versionOf(token: unknown): unknown {
  return (token as { version?: unknown } | null | undefined)?.version;
}

const staleRefused: ConformanceCheck = {
  id: 'cas.stale-version',
  title: 'a save carrying a stale version is refused',
  expected:
    'each save answers a higher version; a save carrying an older version rejects with ' +
    'ERR_STORE_CONFLICT and changes nothing',
  hint:
    'compare the stored version inside the write transaction (planSave does) and bump it on ' +
    'every write',
  requires: 'compareAndSave',
  async run({ store }) {
    const first = await store.saveToken(kitToken('ada'));
    const second = await store.saveToken(copyOf(first, { accessToken: '1000.access.ada.2' }));
    const [v1, v2] = [versionOf(first), versionOf(second)];
    if (typeof v1 !== 'number' || typeof v2 !== 'number' || !(v2 > v1)) {
      fail(`the two saves answered versions ${describeValue(v1)} and ${describeValue(v2)}`);
    }

    const error = await rejectionOf(store.saveToken(copyOf(first, { accessToken: 'stale' })));
    if (error === null) fail(`a save carrying the stale version ${v1} was accepted`);
    if ((error as { code?: unknown }).code !== 'ERR_STORE_CONFLICT') {
      fail(`the stale save rejected with ${describeError(error)}, not ERR_STORE_CONFLICT`);
    }

    const user = { userSignature: userOf('ada') };
    const stored = await store.findToken(user);
    expectToken(
      stored,
      kitToken('ada', { accessToken: '1000.access.ada.2' }),
      describeCall('findToken', user),
    );
    if (versionOf(stored) !== v2)
      fail(`the stored version is ${describeValue(versionOf(stored))}, not ${v2}`);
  },
};

const stateKept: ConformanceCheck = {
  id: 'cas.failure-state',
  title: 'a token’s failure state is kept, and cleared by a save without one',
  expected:
    'a token saved with state needs-login comes back with that state; a later save without a ' +
    'state (a new login) comes back with none',
  hint:
    'keep the state in its own column after the official ten; take it from the incoming ' +
    'token on every save (planSave does), never fill it from the stored row',
  requires: 'compareAndSave',
  async run({ store }) {
    const state = { kind: 'needs-login', reason: 'invalid_code' } as const;
    const marked = await store.saveToken(kitToken('ada', { state }));
    const user = { userSignature: userOf('ada') };
    const found = await store.findToken(user);
    if (JSON.stringify(found?.state) !== JSON.stringify(state)) {
      fail(`the stored state is ${describeValue(found?.state)}, not ${describeValue(state)}`);
    }

    await store.saveToken(copyOf(marked, { accessToken: '1000.access.ada.2', state: null }));
    const cleared = await store.findToken(user);
    if (cleared?.state !== null) {
      fail(`after a save without a state, the stored state is ${describeValue(cleared?.state)}`);
    }
  },
};

/** Optimistic concurrency and the failure state, for stores that declare them. */
export const COMPARE_AND_SAVE_CHECKS: readonly ConformanceCheck[] = [staleRefused, stateKept];

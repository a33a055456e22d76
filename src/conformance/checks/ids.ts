import type { ConformanceCheck } from '../check.js';
import { describeValue } from '../describe.js';
import { expectCount, expectToken } from '../expect.js';
import { fail, StoreCallError } from '../failure.js';
import { idOf, kitToken, requireId, saveInOrder } from '../fixtures.js';

const DECIMAL_ID = /^[1-9][0-9]*$/;

const decimal: ConformanceCheck = {
  id: 'ids.decimal',
  title: 'new tokens get decimal ids',
  expected: 'a token saved without an id gets a decimal id ("1" upwards) that findTokenById finds',
  hint: 'assign ids as decimal strings from a number (nextId(max) in zoho-tokens)',
  async run({ store }) {
    const saved = await saveInOrder(store, [kitToken('ada'), kitToken('bob'), kitToken('cy')]);
    for (const token of saved) {
      const id = requireId(token);
      if (!DECIMAL_ID.test(id)) fail(`saveToken gave the id ${describeValue(id)}, not a decimal`);

      expectToken(await store.findTokenById(id), token, `findTokenById("${id}")`);
    }
  },
};

const unique: ConformanceCheck = {
  id: 'ids.unique',
  title: 'ids stay unique past the tenth token',
  expected:
    'twelve tokens saved one after another get twelve distinct ids in numeric order; the ' +
    'eleventh does not reuse "10"',
  hint:
    'take the numeric maximum of the ids (CAST(id AS INTEGER), a counter), never MAX() of a ' +
    'text column, where "9" > "10"',
  async run({ store }) {
    const ids: string[] = [];
    for (let count = 1; count <= 12; count++) {
      const saved = await store.saveToken(kitToken(`user${count}`)).catch((error: unknown) => {
        if (error instanceof StoreCallError) fail(`save ${count} of 12: ${error.message}`);
        throw error;
      });
      ids.push(requireId({ id: idOf(saved) }));
    }

    for (const [index, id] of ids.entries()) {
      const previous = ids[index - 1];
      if (ids.indexOf(id) !== index) {
        fail(`save ${index + 1} got the id "${id}" of save ${ids.indexOf(id) + 1}`);
      }
      if (previous !== undefined && !(Number(id) > Number(previous))) {
        fail(`save ${index + 1} got the id "${id}" after "${previous}": not in numeric order`);
      }
    }
    expectCount(await store.getTokens(), 12, 'getTokens() after twelve saves');
  },
};

/** How ids are given. */
export const ID_CHECKS: readonly ConformanceCheck[] = [decimal, unique];

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CONFORMANCE_CHECKS } from '../../src/conformance/index.js';

it('docs/writing-a-store.md lists every check, in report order', () => {
  const doc = readFileSync(new URL('../../docs/writing-a-store.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('## The checks'));

  const listed = [...table.matchAll(/^\| `([a-z]+\.[a-z-]+)` \| (.+?) \|/gm)];
  expect(listed.map((row) => row[1])).toEqual(CONFORMANCE_CHECKS.map((check) => check.id));
  expect(listed.map((row) => row[2])).toEqual(CONFORMANCE_CHECKS.map((check) => check.title));
});

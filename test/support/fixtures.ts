import { fileURLToPath } from 'node:url';

/**
 * Token files and tables written by the official Zoho software (copied from the project's
 * shared fixtures, see test/fixtures/README.md), so the suite runs from a clone alone.
 */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The path of one fixture file. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/logger.js';
import { FileStore } from '../../../src/store/file/file-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { tempFolder } from './file-helpers.js';

const HEADER =
  'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,' +
  'redirect_url,api_domain,version,state';

// Lines 2 to 4 each hold one value of the wrong form; lines 5 and 6 hold the official SDK's
// "NaN" expiry and empty values, which are no mistake.
const GARBLED = [
  HEADER,
  '1,ada@x:1,c,sec-ada,rt-ada,at-ada,,tomorrow,,https://www.zohoapis.com,1,',
  '2,bob@x:1,c,sec-bob,rt-bob,at-bob,,1796305849341,,https://www.zohoapis.com,v2,',
  '3,cy@x:1,c,sec-cy,rt-cy,at-cy,,1796305849341,,https://www.zohoapis.com,4,{"kind":"needs-lo',
  '4,dee@x:1,c,sec-dee,rt-dee,at-dee,,NaN,,https://www.zohoapis.com,1,',
  '5,eve@x:1,c,sec-eve,rt-eve,,,,,,,',
].join('\n');

interface Entry {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(): { logger: Logger; warnings: () => Entry[] } {
  const entries: Entry[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      entries.push({ level, message, fields });
    };
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, warnings: () => entries.filter((entry) => entry.level === 'warn') };
}

let folder: string;
let remove: () => void;
let path: string;
beforeEach(() => {
  ({ folder, remove } = tempFolder());
  path = join(folder, 'sdk_tokens.csv');
  writeFileSync(path, GARBLED);
});
afterEach(() => remove());

describe('values of the wrong form in a token file', () => {
  it('keeps every token, reading the garbled values as absent', async () => {
    const tokens = await new FileStore(path).getTokens();

    expect(tokens.map((token) => token.refreshToken)).toEqual([
      'rt-ada',
      'rt-bob',
      'rt-cy',
      'rt-dee',
      'rt-eve',
    ]);
    expect(tokens[0]!.expiresAt).toBeNull();
    expect(tokens[1]!.version).toBeNull();
    expect(tokens[1]!.expiresAt).toBe(1_796_305_849_341);
    expect(tokens[2]!.state).toBeNull();
    expect(tokens[2]!.version).toBe(4);
  });

  it('warns once, naming the line and column of each, and none of the values', async () => {
    const { logger, warnings } = recordingLogger();
    const store = new FileStore({ path, logger });

    await store.getTokens();

    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.fields).toEqual({
      path,
      values: [
        'line 2 column 8 (expiry_time)',
        'line 3 column 11 (version)',
        'line 4 column 12 (state)',
      ],
    });
    const logged = JSON.stringify(warnings());
    for (const value of ['tomorrow', 'v2', 'needs-lo', 'sec-', 'rt-', 'at-']) {
      expect(logged).not.toContain(value);
    }
  });

  it('warns again only when the file changes, and not once the store has rewritten it', async () => {
    const { logger, warnings } = recordingLogger();
    const store = new FileStore({ path, logger });

    await store.getTokens();
    await store.findToken({ userSignature: 'ada@x:1' });
    await store.findTokenById('2');
    expect(warnings()).toHaveLength(1);

    // Another program rewrites the file, with one garbled value left.
    writeFileSync(path, GARBLED.split('\n').slice(0, 3).join('\n'));
    await store.getTokens();
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]!.fields?.values).toEqual([
      'line 2 column 8 (expiry_time)',
      'line 3 column 11 (version)',
    ]);

    // Writing puts every value in its form; a fresh reader finds nothing to report.
    await store.saveToken(new OAuthToken({ userSignature: 'ada@x:1', accessToken: 'at-new' }));
    const fresh = recordingLogger();
    expect(await new FileStore({ path, logger: fresh.logger }).getTokens()).toHaveLength(2);
    expect(fresh.warnings()).toEqual([]);
    expect(readFileSync(path, 'utf8')).not.toContain('tomorrow');
  });

  it('warns about nothing in a file the store wrote itself', async () => {
    const clean = join(folder, 'clean.csv');
    const writer = new FileStore(clean);
    await writer.saveToken(new OAuthToken({ userSignature: 'a', refreshToken: 'r' }));
    await writer.saveToken(
      new OAuthToken({
        userSignature: 'b',
        refreshToken: 'r2',
        expiresAt: 1_796_305_849_341,
        state: { kind: 'cooling-down', reason: 'throttled', untilMs: 1_796_305_849_341 },
      }),
    );

    const { logger, warnings } = recordingLogger();
    expect(await new FileStore({ path: clean, logger }).getTokens()).toHaveLength(2);
    expect(warnings()).toEqual([]);
  });
});

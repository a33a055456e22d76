import type { ConformanceCheck } from '../check.js';
import { describeToken } from '../describe.js';
import { fail } from '../failure.js';
import { kitToken, userOf } from '../fixtures.js';
import { REQUIRED_METHODS } from '../traced-store.js';

const TOKEN_METHODS = ['with', 'fillFrom', 'isExpired', 'toFields'] as const;

const methods: ConformanceCheck = {
  id: 'contract.methods',
  title: 'the store has the six methods',
  expected:
    'findToken, findTokenById, saveToken, deleteToken, getTokens and deleteTokens are ' +
    'functions; acquireLease and close, when present, are functions too',
  hint: 'implement the TokenStore interface of zoho-tokens (the names of the official SDKs)',
  async run({ original }) {
    const shape = original as unknown as Record<string, unknown>;
    const missing = REQUIRED_METHODS.filter((name) => typeof shape[name] !== 'function');
    if (missing.length > 0) fail(`the store has no ${missing.join(', ')}`);

    const odd = ['acquireLease', 'close'].filter(
      (name) => shape[name] !== undefined && typeof shape[name] !== 'function',
    );
    if (odd.length > 0) fail(`${odd.join(', ')} is present but not a function`);
  },
};

const tokenObjects: ConformanceCheck = {
  id: 'contract.token-objects',
  title: 'results are OAuthToken objects',
  expected:
    'saveToken, findToken, findTokenById and getTokens give OAuthToken objects (with with(), ' +
    'fillFrom(), isExpired()), not plain records',
  hint: 'build results with new OAuthToken({...}) or tokenFromRow(row) from zoho-tokens',
  async run({ store }) {
    const saved = await store.saveToken(kitToken('ada'));
    const results = {
      saveToken: saved,
      findToken: await store.findToken(kitToken('ada')),
      findTokenById: await store.findTokenById(String(saved?.id)),
      'getTokens()[0]': (await store.getTokens())[0],
    };

    for (const [call, token] of Object.entries(results)) {
      const shape = token as unknown as Record<string, unknown> | null | undefined;
      const lacking = TOKEN_METHODS.filter((name) => typeof shape?.[name] !== 'function');
      if (lacking.length === 0) continue;

      fail(
        `${call} for user ${userOf('ada')} gave ${describeToken(token)} ` +
          `without ${lacking.join(', ')}()`,
      );
    }
  },
};

/** The store has the shape of a `TokenStore`. */
export const CONTRACT_CHECKS: readonly ConformanceCheck[] = [methods, tokenObjects];

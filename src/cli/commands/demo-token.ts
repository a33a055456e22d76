import type { EmulatorAdmin, RunningEmulator } from '../../emulator/index.js';
import type { TokenManager } from '../../manager/token-manager.js';
import type { OAuthToken } from '../../token/oauth-token.js';

/** The demo's token and how it was had: found in the store, a first login, or a new one. */
export interface DemoToken {
  token: OAuthToken;
  source: 'stored' | 'login' | 'relogin';
  /** One line saying what happened, and why when the stored token could not be used. */
  note: string;
}

/** What the demo needs to log in: the manager, and the emulator that mints grant codes. */
export interface DemoLogin {
  manager: TokenManager;
  admin: EmulatorAdmin;
  emulator: RunningEmulator;
  user: string;
}

/**
 * The stored token of the demo user when it belongs to this emulator; otherwise a login with a
 * self-client grant code (the API console's "Self Client", minted by the emulator).
 */
export async function demoToken(demo: DemoLogin): Promise<DemoToken> {
  const stored = await storedTokenOf(demo);
  if (stored === null) {
    const token = await logIn(demo);
    return { token, source: 'login', note: `${loginNote(demo, token)} (no stored token yet)` };
  }
  if (stored.apiDomain !== demo.emulator.apiUrl) {
    const reason = `stored token ${stored.id} came from an emulator at ${stored.apiDomain}`;
    return logInAgain(demo, stored, reason);
  }

  return {
    token: stored,
    source: 'stored',
    note: `found the stored token ${stored.id} for ${stored.userSignature}: no new login`,
  };
}

/** A new login replacing `stale`, saying why. */
export async function logInAgain(
  demo: DemoLogin,
  stale: OAuthToken,
  reason: string,
): Promise<DemoToken> {
  const token = await logIn(demo);
  // A new login for the same user updates the same row; one stored under another name goes.
  if (stale.id !== null && stale.id !== token.id) await demo.manager.store.deleteToken(stale.id);
  return {
    token,
    source: 'relogin',
    note: `${reason}: logging in again; ${loginNote(demo, token)}`,
  };
}

async function logIn(demo: DemoLogin): Promise<OAuthToken> {
  const code = await demo.admin.mintGrantCode(demo.user);
  return demo.manager.exchangeGrantCode(code);
}

function loginNote(demo: DemoLogin, token: OAuthToken): string {
  return `exchanged a self-client grant code for ${demo.user}, stored as token ${token.id}`;
}

/** The user's token: stored as `email:zgid` by the lookup, or under the bare email. */
async function storedTokenOf(demo: DemoLogin): Promise<OAuthToken | null> {
  const tokens = (await demo.manager.store.getTokens()).filter(
    (token) =>
      token.userSignature === demo.user || token.userSignature?.startsWith(`${demo.user}:`),
  );
  const here = tokens.find((token) => token.apiDomain === demo.emulator.apiUrl);
  return here ?? tokens[0] ?? null;
}

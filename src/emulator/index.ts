/**
 * A loopback Zoho accounts server plus a small part of the Zoho CRM v8 API, written from
 * Zoho's documented behaviour alone, for tests and demos without a Zoho account.
 *
 * Not emulated: more than one data centre (every `location` is `us`, every URL is this
 * server), OpenID Connect (`id_token`, `/oauth/v2/userinfo`, keys), `/oauth/user/info`,
 * the implicit and device flows, Zoho's grant-code and refresh-token creation rates, CRM
 * API credits (429) and `page_token` paging. Each would be a new route or registry rule.
 *
 * With `statePath` an emulator survives restarts: clients, users, codes and tokens are
 * kept in a JSON file, so tokens stored by one run still work in the next.
 *
 * @packageDocumentation
 */
import type { RunningEmulator } from './server.js';

export { EmulatorAdmin, EmulatorAdminError, type MintGrantCodeOptions } from './admin-client.js';
export {
  type ClientRegistration,
  DEFAULT_GRANT_SCOPE,
  type EmulatorStatsSnapshot,
  type EmulatorUserInfo,
  type FaultSettings,
  type GrantCodeRequest,
  type GrantCodeResponse,
  type TokenRequestCounts,
} from './admin-types.js';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type EmulatorOptions } from './options.js';
export { type RunningEmulator, startEmulator } from './server.js';
export { EmulatorStateError } from './state-file.js';

/**
 * The one JSON line `zoho-tokens emulator` prints on start-up:
 * `{"accounts_url","api_url","admin_url","client_id","client_secret"}`.
 */
export function emulatorInfoLine(running: RunningEmulator): string {
  return JSON.stringify({
    accounts_url: running.accountsUrl,
    api_url: running.apiUrl,
    admin_url: running.adminUrl,
    client_id: running.clientId,
    client_secret: running.clientSecret,
  });
}

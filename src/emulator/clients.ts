/** An OAuth client registered with the emulated accounts server. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs; an empty list accepts any http(s) URI (a loopback convenience). */
  redirectUris: string[];
}

/** The API-console side of the emulator: which clients exist. */
export class ClientRegistry {
  readonly #clients = new Map<string, OAuthClient>();
  readonly #onChange: () => void;

  /** `onChange` hears every registration. */
  constructor(onChange: () => void = () => {}) {
    this.#onChange = onChange;
  }

  /** Adds a client, or replaces one with the same id. */
  register(client: OAuthClient): OAuthClient {
    const copy = { ...client, redirectUris: [...client.redirectUris] };
    this.#clients.set(copy.clientId, copy);
    this.#onChange();
    return copy;
  }

  /** Every registered client, in registration order. */
  list(): OAuthClient[] {
    return [...this.#clients.values()];
  }

  find(clientId: string | undefined): OAuthClient | undefined {
    if (clientId === undefined) return undefined;
    return this.#clients.get(clientId);
  }
}

/**
 * Zoho requires the redirect URI to equal a registered one exactly. A client registered
 * with none accepts any http(s) URI, so a CLI login can use whatever loopback port it got.
 */
export function isRedirectAllowed(client: OAuthClient, uri: string): boolean {
  if (client.redirectUris.length > 0) return client.redirectUris.includes(uri);
  return /^https?:\/\//i.test(uri);
}

import { type ErrorCode, ZohoTokensError } from '../errors.js';

/** How a failed token request should be treated. */
export type FailureKind = 'permanent' | 'transient';

/**
 * A token request that Zoho refused or that could not be completed. `zohoError` is the `error`
 * value of Zoho's body (e.g. `invalid_code`) when there was one; `kind` says whether trying again
 * later can help (`transient`: network, 5xx, throttling) or a new login is needed (`permanent`).
 */
export class OAuthError extends ZohoTokensError {
  readonly zohoError: string | null;
  readonly kind: FailureKind;

  constructor(
    code: ErrorCode,
    message: string,
    details: { zohoError?: string | null; kind: FailureKind; cause?: unknown },
  ) {
    super(code, message, { cause: details.cause });
    this.zohoError = details.zohoError ?? null;
    this.kind = details.kind;
  }

  /** True when trying again later can succeed. */
  get transient(): boolean {
    return this.kind === 'transient';
  }
}

/**
 * Zoho's `error` values that a retry cannot fix. `Access Denied` (throttling) and `access_denied`
 * (grant-code overuse) are not among them: both clear when the window passes.
 */
const PERMANENT_ERRORS = new Set([
  'invalid_code',
  'invalid_client',
  'invalid_client_secret',
  'invalid_redirect_uri',
  'invalid_request',
  'invalid_scope',
  'unsupported_grant_type',
  'missing_org_info',
]);

const THROTTLE_ERRORS = new Set(['Access Denied', 'access_denied']);

/** The typed error for an `error` value found in a token response body. */
export function errorFromZohoBody(zohoError: string, operation: string): OAuthError {
  if (THROTTLE_ERRORS.has(zohoError)) {
    return new OAuthError(
      'ERR_OAUTH_THROTTLED',
      `${operation}: zoho is throttling token requests`,
      {
        zohoError,
        kind: 'transient',
      },
    );
  }
  if (PERMANENT_ERRORS.has(zohoError)) {
    return new OAuthError('ERR_OAUTH_REJECTED', `${operation}: zoho answered ${zohoError}`, {
      zohoError,
      kind: 'permanent',
    });
  }

  // An error value we have never seen: refuse to retry blindly, but say what came back.
  return new OAuthError('ERR_OAUTH_REJECTED', `${operation}: zoho answered ${safe(zohoError)}`, {
    zohoError,
    kind: 'permanent',
  });
}

function safe(value: string): string {
  return JSON.stringify(value.slice(0, 60));
}

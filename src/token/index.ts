export { type ExpiryFields, expiresAtFrom, formatExpiry, parseExpiry } from './expiry.js';
export { maskSecret } from './mask.js';
export {
  type MaskedToken,
  OAuthToken,
  SECRET_FIELDS,
  type TokenFields,
  type TokenInit,
  type TokenState,
} from './oauth-token.js';

/**
 * Splits a scope string. Zoho documents commas, OIDC clients send spaces, and both work
 * on the real server, so accept either or both.
 */
export function parseScopes(raw: string): string[] {
  const seen = new Set<string>();
  const scopes: string[] = [];
  for (const scope of raw.split(/[\s,]+/)) {
    const key = scope.toLowerCase();
    if (scope === '' || seen.has(key)) continue;
    seen.add(key);
    scopes.push(scope);
  }
  return scopes;
}

/**
 * True when any granted scope is one of the accepted ones. Zoho's docs spell scopes in
 * mixed case (`ZohoCRM.org.all`, `aaaserver.profile.READ`), so compare case-insensitively.
 */
export function hasAnyScope(granted: readonly string[], accepted: readonly string[]): boolean {
  const wanted = new Set(accepted.map((s) => s.toLowerCase()));
  return granted.some((s) => wanted.has(s.toLowerCase()));
}

/**
 * How a secret is shown to a person: never whole. Long values keep a few characters at each end
 * so an operator can tell two tokens apart; short ones show nothing at all.
 */
export function maskSecret(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value.length < 24) return '****';

  return `${value.slice(0, 4)}…${value.slice(-4)}`;
}

/** How a call ended within its time: with a value, an error, or not at all. */
export type Settled<T> =
  | { state: 'resolved'; value: T }
  | { state: 'rejected'; error: unknown }
  | { state: 'hung' };

/** Waits up to `ms` for `promise` and says how it ended. */
export function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  const settled = promise.then(
    (value): Settled<T> => ({ state: 'resolved', value }),
    (error: unknown): Settled<T> => ({ state: 'rejected', error }),
  );

  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'hung' }), ms);
  });
  return Promise.race([settled, hung]).finally(() => clearTimeout(timer));
}

/**
 * `promise`, or the error `timedOut()` makes when it has not settled within `ms`. A store call
 * that hangs cannot be cancelled; once the time is up its outcome is no longer wanted.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  timedOut: () => Error,
): Promise<T> {
  const outcome = await settleWithin(promise, ms);
  if (outcome.state === 'hung') throw timedOut();
  if (outcome.state === 'rejected') throw outcome.error;

  return outcome.value;
}

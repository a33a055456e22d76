/**
 * Logging is injected and off by default. A logger receives a short message and a record of
 * plain fields; the library never puts a token value in either (secrets go through
 * `maskSecret` first), so any logger is safe to plug in.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the library calls to log. Any of `console`, pino or winston fits through `toLogger`. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ignore = (): void => {};

/** The default logger: it drops everything. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * A logger that writes one line per call through `write`, at `level` and above.
 *
 * @example
 * ```ts
 * const logger = lineLogger('debug', (line) => process.stderr.write(`${line}\n`));
 * ```
 */
export function lineLogger(level: LogLevel, write: (line: string) => void): Logger {
  const threshold = LEVELS.indexOf(level);
  const at =
    (lineLevel: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(lineLevel) < threshold) return;

      const detail = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      write(`${lineLevel} ${message}${detail}`);
    };

  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

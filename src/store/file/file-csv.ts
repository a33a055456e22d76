import { CsvError, type Options, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ZohoTokensError } from '../../errors.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import {
  EXTRA_COLUMNS,
  OFFICIAL_COLUMNS,
  rowValues,
  type TokenRow,
  tokenFromRow,
} from '../columns.js';

/**
 * The header this store writes: the official TypeScript SDK's ten names (it says `user_mail` and
 * `redirect_url` where the Python SDK says `user_name` and `redirect_uri`), then our `version` and
 * `state`. Both official readers take columns by position and stop at the tenth, so they read a
 * file with the two extra columns as if they were not there.
 */
export const FILE_HEADER = [
  'id',
  'user_mail',
  'client_id',
  'client_secret',
  'refresh_token',
  'access_token',
  'grant_token',
  'expiry_time',
  'redirect_url',
  'api_domain',
  ...EXTRA_COLUMNS,
] as const;

/** Files written before the SDKs added `api_domain` have nine columns. */
const LEGACY_WIDTH = 9;

const PARSE_OPTIONS: Options = {
  bom: true,
  info: true,
  relax_column_count: true,
  // The official TypeScript writer never quotes, so a quote inside a value is kept as it is.
  relax_quotes: true,
  skip_empty_lines: true,
  // A Python-written file that the TypeScript SDK later rewrote mixes CRLF and LF lines.
  record_delimiter: ['\r\n', '\n'],
};

const PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted value is followed by text',
  CSV_MAX_RECORD_SIZE: 'a row is too long',
};

interface ParsedRecord {
  record: string[];
  info: { bytes: number };
}

/**
 * Reads a token file: the TypeScript variant (LF, unquoted), the Python variant (CRLF, CSV
 * quoting), and the legacy nine-column header without `api_domain`. Columns are taken by
 * position, as the official readers take them; an empty field reads as absent. An empty file
 * holds no tokens.
 *
 * A file that is cut short or garbled is refused with `ERR_STORE_CORRUPT` naming the line,
 * rather than read as fewer tokens than it holds.
 */
export function parseTokenFile(bytes: Buffer, path: string): OAuthToken[] {
  if (isBlank(bytes)) return [];

  const records = parseRecords(bytes, path);
  const header = records[0]!.record;
  if (header[0] !== 'id' || header.length < LEGACY_WIDTH) {
    throw corrupt(path, 1, 'the first line is not a token file header');
  }

  const width = header.length === LEGACY_WIDTH ? LEGACY_WIDTH : OFFICIAL_COLUMNS.length;
  return records.slice(1).map((parsed, index) => {
    const { record } = parsed;
    if (record.length < width) {
      const line = lineAt(bytes, records[index]!.info.bytes);
      throw corrupt(path, line, `the row has ${record.length} of ${width} values`);
    }
    return tokenFromRow(rowOf(record));
  });
}

/**
 * Writes a token file in the TypeScript variant: LF line ends, no final newline, and quotes only
 * around a value that needs them (a comma, a quote, CR or LF), which the official TypeScript
 * reader cannot read anyway but which must not break the rows around it.
 */
export function formatTokenFile(tokens: readonly OAuthToken[]): string {
  const rows = [[...FILE_HEADER], ...tokens.map(rowValues)];

  // csv-stringify quotes LF but not a lone CR; a CR left bare would end the record for readers
  // that split on CR, so it is quoted too.
  return stringify(rows, { record_delimiter: '\n', eof: false, quoted_match: /\r/ });
}

function parseRecords(bytes: Buffer, path: string): ParsedRecord[] {
  // Where the last good record ended: the line after it is where a broken one starts.
  let parsedUpTo = 0;
  const onRecord = (record: ParsedRecord, context: { bytes: number }) => {
    parsedUpTo = context.bytes;
    return record;
  };

  try {
    // With `info: true` each record comes with where it ends; the typings do not model that.
    const options = { ...PARSE_OPTIONS, on_record: onRecord } as unknown as Options;
    return parse(bytes, options) as unknown as ParsedRecord[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;

    // The parser's own error carries the raw record, secrets included, so it is not kept as
    // the cause; its code says what went wrong.
    const problem = PROBLEMS[error.code] ?? 'the text is not valid CSV';
    throw corrupt(path, lineAt(bytes, parsedUpTo), problem, new Error(error.code));
  }
}

function rowOf(record: readonly string[]): TokenRow {
  const row = Object.fromEntries(
    OFFICIAL_COLUMNS.map((name, position) => [name, record[position] ?? null]),
  ) as TokenRow;
  row.version = record[OFFICIAL_COLUMNS.length] ?? null;
  row.state = record[OFFICIAL_COLUMNS.length + 1] ?? null;
  return row;
}

/** The line number (from 1) of the first record that starts at or after byte `offset`. */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  let at = 0;
  while (at < offset) {
    if (bytes[at] === 0x0a) line += 1;
    at += 1;
  }
  // Skipped blank lines come before the record itself.
  while (at < bytes.length && (bytes[at] === 0x0a || bytes[at] === 0x0d)) {
    if (bytes[at] === 0x0a) line += 1;
    at += 1;
  }

  return line;
}

function isBlank(bytes: Buffer): boolean {
  return bytes.every((byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09);
}

function corrupt(path: string, line: number, problem: string, cause?: Error): ZohoTokensError {
  return new ZohoTokensError(
    'ERR_STORE_CORRUPT',
    `token file ${path} is corrupt at line ${line}: ${problem}`,
    { cause },
  );
}

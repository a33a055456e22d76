import { CsvError, type Options, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ZohoTokensError } from '../../errors.js';
import { parseExpiry } from '../../token/expiry.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import {
  EXTRA_COLUMNS,
  OFFICIAL_COLUMNS,
  parseState,
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

/** Where a value sits that could not be read and reads as absent: never the value itself. */
export interface UnreadableValue {
  /** The line of the file, from 1. */
  line: number;
  /** The column, from 1. */
  column: number;
  /** The column's name in the file's header (or ours, past its end). */
  name: string;
}

/** The tokens of a file, and the values in it that read as absent because they were garbled. */
export interface TokenFile {
  tokens: OAuthToken[];
  unreadable: UnreadableValue[];
}

// The columns whose text has a form: expiry_time, version, state. A value of the wrong form
// would read as absent without a word, so the reader reports where it is.
const EXPIRY_AT = OFFICIAL_COLUMNS.indexOf('expiry_time');
const VERSION_AT = OFFICIAL_COLUMNS.length;
const STATE_AT = OFFICIAL_COLUMNS.length + 1;

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
 * rather than read as fewer tokens than it holds. A single value of the wrong form (an
 * `expiry_time` that is no number of milliseconds, a garbled `version` or `state`) does not cost
 * the token: it reads as absent, and `unreadable` says where it is.
 */
export function parseTokenFile(bytes: Buffer, path: string): TokenFile {
  if (isBlank(bytes)) return { tokens: [], unreadable: [] };

  const records = parseRecords(bytes, path);
  const header = records[0]!.record;
  if (header[0] !== 'id' || header.length < LEGACY_WIDTH) {
    throw corrupt(path, 1, 'the first line is not a token file header');
  }

  const width = header.length === LEGACY_WIDTH ? LEGACY_WIDTH : OFFICIAL_COLUMNS.length;
  const unreadable: UnreadableValue[] = [];
  const tokens = records.slice(1).map((parsed, index) => {
    const { record } = parsed;
    const line = () => lineAt(bytes, records[index]!.info.bytes);
    if (record.length < width) {
      throw corrupt(path, line(), `the row has ${record.length} of ${width} values`);
    }

    for (const at of unreadableColumns(record)) {
      unreadable.push({ line: line(), column: at + 1, name: header[at] ?? FILE_HEADER[at]! });
    }
    return tokenFromRow(rowOf(record));
  });

  return { tokens, unreadable };
}

/**
 * The positions in a record whose value is there but reads as absent. The `NaN` the official
 * TypeScript SDK writes for a response without `expires_in` is its own way to say "unknown",
 * not a garbled value.
 */
function unreadableColumns(record: readonly string[]): number[] {
  const present = (at: number) => record[at] !== undefined && record[at] !== '';
  const positions: number[] = [];
  const expiry = record[EXPIRY_AT];
  if (present(EXPIRY_AT) && expiry !== 'NaN' && parseExpiry(expiry) === null) {
    positions.push(EXPIRY_AT);
  }
  if (present(VERSION_AT) && !isVersion(Number(record[VERSION_AT]))) positions.push(VERSION_AT);
  if (present(STATE_AT) && parseState(record[STATE_AT]) === null) positions.push(STATE_AT);

  return positions;
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

function isVersion(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
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

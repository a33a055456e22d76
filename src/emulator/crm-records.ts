import type { LeadRecord } from './leads.js';

/** What `GET /crm/v8/Leads` answers before it becomes HTTP. */
export type RecordListing =
  | { kind: 'page'; body: { data: LeadRecord[]; info: Record<string, unknown> } }
  | { kind: 'empty' }
  | { kind: 'error'; code: string; message: string; details: Record<string, unknown> };

const MAX_PER_PAGE = 200;
const SORT_FIELDS: ReadonlySet<string> = new Set(['id', 'Created_Time', 'Modified_Time']);

/**
 * Lists records the way CRM v8 does: `fields` is required, only those fields plus `id`
 * come back, `page`/`per_page` (default and maximum 200) page through, and an empty
 * result is HTTP 204 rather than an empty list.
 */
export function listRecords(records: readonly LeadRecord[], query: URLSearchParams): RecordListing {
  const fields = splitList(query.get('fields'));
  if (fields.length === 0) {
    return {
      kind: 'error',
      code: 'REQUIRED_PARAM_MISSING',
      message: 'One of the expected parameter is missing',
      details: { param_name: 'fields' },
    };
  }
  const page = readPositiveInt(query, 'page', 1);
  const perPage = readPositiveInt(query, 'per_page', MAX_PER_PAGE);
  if (page === undefined) return invalidParam('page');
  if (perPage === undefined) return invalidParam('per_page');

  const sortBy = query.get('sort_by') ?? 'id';
  const sortOrder = query.get('sort_order') ?? 'desc';
  if (!SORT_FIELDS.has(sortBy)) return invalidParam('sort_by');
  if (sortOrder !== 'asc' && sortOrder !== 'desc') return invalidParam('sort_order');

  const size = Math.min(perPage, MAX_PER_PAGE);
  const matching = sortRecords(filterByIds(records, query.get('ids')), sortBy, sortOrder);
  const start = (page - 1) * size;
  const slice = matching.slice(start, start + size);
  if (slice.length === 0) return { kind: 'empty' };

  const info = {
    per_page: size,
    count: slice.length,
    page,
    more_records: start + size < matching.length,
    sort_by: sortBy,
    sort_order: sortOrder,
    next_page_token: null,
    previous_page_token: null,
    page_token_expiry: null,
    call: false,
    email: false,
  };
  return { kind: 'page', body: { data: slice.map((r) => project(r, fields)), info } };
}

function project(record: LeadRecord, fields: readonly string[]): LeadRecord {
  const projected: LeadRecord = { id: record.id };
  for (const field of fields) {
    if (field in record) projected[field] = record[field];
  }
  return projected;
}

function filterByIds(records: readonly LeadRecord[], ids: string | null): LeadRecord[] {
  const wanted = new Set(splitList(ids));
  if (wanted.size === 0) return [...records];
  return records.filter((r) => wanted.has(r.id));
}

function sortRecords(records: LeadRecord[], sortBy: string, order: 'asc' | 'desc'): LeadRecord[] {
  const sign = order === 'asc' ? 1 : -1;
  // Ids and Zoho date-times of one length and offset sort correctly as strings.
  return records.sort((a, b) => sign * String(a[sortBy]).localeCompare(String(b[sortBy])));
}

function splitList(raw: string | null): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function readPositiveInt(
  query: URLSearchParams,
  name: string,
  fallback: number,
): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}

/** Zoho's body for a malformed parameter is not in the protocol notes; this shape is assumed. */
function invalidParam(name: string): RecordListing {
  return {
    kind: 'error',
    code: 'INVALID_DATA',
    message: 'invalid data',
    details: { param_name: name },
  };
}

import type { CrmUser } from './directory.js';
import { recordId } from './ids.js';

/** A Leads record as stored: API field names to values. */
export type LeadRecord = { id: string } & Record<string, unknown>;

/** Field metadata in the shape of `GET /crm/v8/settings/fields?module=Leads`. */
export interface FieldMeta {
  api_name: string;
  field_label: string;
  display_label: string;
  data_type: string;
  json_type: string;
  length: number;
  system_mandatory: boolean;
  read_only: boolean;
}

const FIELD_SPECS: ReadonlyArray<[string, string, string, string]> = [
  ['Owner', 'Lead Owner', 'ownerlookup', 'jsonobject'],
  ['First_Name', 'First Name', 'text', 'string'],
  ['Last_Name', 'Last Name', 'text', 'string'],
  ['Email', 'Email', 'email', 'string'],
  ['Company', 'Company', 'text', 'string'],
  ['Phone', 'Phone', 'phone', 'string'],
  ['Lead_Status', 'Lead Status', 'picklist', 'string'],
  ['Lead_Source', 'Lead Source', 'picklist', 'string'],
  ['Created_Time', 'Created Time', 'datetime', 'string'],
  ['Modified_Time', 'Modified Time', 'datetime', 'string'],
];

/** Field metadata for the Leads module, ids in the org's id space. */
export function leadFields(orgPrefix: string): Array<FieldMeta & { id: string }> {
  return FIELD_SPECS.map(([apiName, label, dataType, jsonType], i) => ({
    id: recordId(orgPrefix, 2_445_001 + i),
    api_name: apiName,
    field_label: label,
    display_label: label,
    data_type: dataType,
    json_type: jsonType,
    length: dataType === 'text' ? 100 : 120,
    system_mandatory: apiName === 'Last_Name',
    read_only: apiName === 'Created_Time' || apiName === 'Modified_Time',
  }));
}

/** The API names a `fields` parameter may ask for. */
export const LEAD_FIELD_NAMES: ReadonlySet<string> = new Set(FIELD_SPECS.map(([name]) => name));

const FIRST_NAMES = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elif', 'Femi', 'Gao', 'Hana', 'Ivo', 'Jude'];
const LAST_NAMES = ['Rivera', 'Fox', 'Okafor', 'Lindqvist', 'Mehta', 'Sato', 'Novak', 'Brandt'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark'];
const STATUSES = ['Not Contacted', 'Attempted to Contact', 'Contacted', 'Junk Lead'];
const SOURCES = ['Web Download', 'Cold Call', 'Trade Show', 'Partner', 'Advertisement'];
const SEED_START_MS = Date.UTC(2024, 4, 1, 9, 0, 0);
const HOUR_MS = 3_600_000;

/** Deterministic leads for an org, owned by `owner`; the same on every run. */
export function seedLeads(orgPrefix: string, owner: CrmUser, count: number): LeadRecord[] {
  const ownerRef = {
    name: `${owner.firstName} ${owner.lastName}`,
    id: owner.id,
    email: owner.email,
  };
  return Array.from({ length: count }, (_, i) => {
    const first = pick(FIRST_NAMES, i);
    const last = pick(LAST_NAMES, i * 3 + 1);
    const created = SEED_START_MS + i * 7 * HOUR_MS;
    return {
      id: recordId(orgPrefix, 1_168_001 + i * 4),
      Owner: ownerRef,
      // Some leads lack a first name or email, as real data does (and Zoho returns null).
      First_Name: i % 9 === 4 ? null : first,
      Last_Name: last,
      Email: i % 7 === 3 ? null : `${first}.${last}.${i}@example.org`.toLowerCase(),
      Company: `${pick(COMPANIES, i)} ${pick(['Ltd', 'Inc', 'GmbH'], i)}`,
      Phone: `+1 555 01${String(i).padStart(2, '0')}`,
      Lead_Status: pick(STATUSES, i),
      Lead_Source: pick(SOURCES, i),
      Created_Time: zohoDateTime(created),
      Modified_Time: zohoDateTime(created + 2 * HOUR_MS),
    };
  });
}

/** Zoho's date-time shape: ISO 8601 without milliseconds, with a numeric offset. */
export function zohoDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

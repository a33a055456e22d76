import { type CrmOrg, type CrmUser, fullName } from './directory.js';
import { recordId } from './ids.js';
import { zohoDateTime } from './leads.js';

const ORG_CREATED_MS = Date.UTC(2024, 0, 10, 9, 15, 0);

/** A user in the shape of `GET /crm/v8/users` (mixed-case keys are Zoho's own). */
export function userBody(user: CrmUser, org: CrmOrg): Record<string, unknown> {
  const self = { name: fullName(user), id: user.id };
  return {
    id: user.id,
    zuid: user.zuid,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    full_name: fullName(user),
    status: 'active',
    confirm: true,
    role: { name: 'CEO', id: recordId(org.idPrefix, 26_005) },
    profile: { name: 'Administrator', id: recordId(org.idPrefix, 26_011) },
    locale: 'en_US',
    language: 'en_US',
    country_locale: 'en_US',
    time_zone: 'Etc/UTC',
    time_format: 'HH:mm',
    date_format: 'MM-dd-yyyy',
    created_time: zohoDateTime(ORG_CREATED_MS),
    Modified_Time: zohoDateTime(ORG_CREATED_MS),
    created_by: { ...self, email: user.email },
    Modified_By: self,
    Isonline: false,
    category: 'regular_user',
  };
}

/**
 * An org in the shape of `GET /crm/v8/org`. The protocol notes give no sample, so beyond
 * `id`, `zgid` and `company_name` the keys are a plausible minimum.
 */
export function orgBody(org: CrmOrg): Record<string, unknown> {
  return {
    id: org.id,
    zgid: org.zgid,
    company_name: org.companyName,
    primary_email: org.primaryEmail,
    primary_zuid: org.primaryZuid,
    domain_name: `org${org.zgid}`,
    country_code: 'US',
    time_zone: 'Etc/UTC',
    currency: 'US Dollar - USD',
    iso_code: 'USD',
    currency_symbol: '$',
    type: 'production',
    mc_status: false,
  };
}

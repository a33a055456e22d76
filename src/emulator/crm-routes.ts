import { Hono } from 'hono';
import { type CrmEnv, crmAuth, scopeMismatch } from './crm-auth.js';
import { orgBody, userBody } from './crm-bodies.js';
import { listRecords } from './crm-records.js';
import { leadFields } from './leads.js';
import { crmError, crmJson } from './responses.js';
import type { EmulatorState } from './state.js';

const USERS_SCOPES = ['ZohoCRM.users.READ', 'ZohoCRM.users.ALL'];
const ORG_SCOPES = ['ZohoCRM.org.READ', 'ZohoCRM.org.ALL'];
const LEADS_SCOPES = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.modules.READ',
  'ZohoCRM.modules.leads.READ',
  'ZohoCRM.modules.leads.ALL',
];
const SETTINGS_SCOPES = [
  'ZohoCRM.settings.ALL',
  'ZohoCRM.settings.READ',
  'ZohoCRM.settings.fields.READ',
  'ZohoCRM.settings.fields.ALL',
];
const USER_TYPES: ReadonlySet<string> = new Set([
  'AllUsers',
  'ActiveUsers',
  'ActiveConfirmedUsers',
  'ConfirmedUsers',
  'AdminUsers',
  'ActiveConfirmedAdmins',
]);

/** The part of CRM v8 that token work touches: users, org, field metadata and Leads. */
export function crmRoutes(state: EmulatorState): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();

  app.use('/crm/*', async (_c, next) => {
    state.stats.countApiCall();
    await next();
  });
  app.use('/crm/*', crmAuth(state));

  app.get('/crm/v8/users', (c) => {
    const session = c.get('session');
    const denied = scopeMismatch(session, USERS_SCOPES);
    if (denied) return denied;

    const type = c.req.query('type') ?? 'AllUsers';
    if (type !== 'CurrentUser' && !USER_TYPES.has(type)) return invalidData('type');
    const users = type === 'CurrentUser' ? [session.user] : state.directory.usersOf(session.org);
    const info = { per_page: 200, count: users.length, page: 1, more_records: false };
    return crmJson({ users: users.map((u) => userBody(u, session.org)), info });
  });

  app.get('/crm/v8/org', (c) => {
    const session = c.get('session');
    return scopeMismatch(session, ORG_SCOPES) ?? crmJson({ org: [orgBody(session.org)] });
  });

  app.get('/crm/v8/settings/fields', (c) => {
    const session = c.get('session');
    const denied = scopeMismatch(session, SETTINGS_SCOPES);
    if (denied) return denied;

    const moduleName = c.req.query('module');
    if (moduleName === undefined || moduleName === '') return requiredParamMissing('module');
    if (moduleName !== 'Leads') return invalidModule();
    return crmJson({ fields: leadFields(session.org.idPrefix) });
  });

  app.get('/crm/v8/:module', (c) => {
    if (c.req.param('module') !== 'Leads') return invalidModule();
    const session = c.get('session');
    const denied = scopeMismatch(session, LEADS_SCOPES);
    if (denied) return denied;

    const listing = listRecords(session.org.leads, new URL(c.req.url).searchParams);
    if (listing.kind === 'empty') return c.body(null, 204);
    if (listing.kind === 'error') {
      return crmError(400, listing.code, listing.message, listing.details);
    }
    return crmJson(listing.body);
  });

  app.all('/crm/*', () =>
    crmError(
      404,
      'INVALID_URL_PATTERN',
      'Please check if the URL trying to access is a correct one',
    ),
  );

  return app;
}

function invalidModule(): Response {
  return crmError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', {
    resource_path_index: 0,
  });
}

function requiredParamMissing(name: string): Response {
  return crmError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
    param_name: name,
  });
}

function invalidData(name: string): Response {
  return crmError(400, 'INVALID_DATA', 'invalid data', { param_name: name });
}

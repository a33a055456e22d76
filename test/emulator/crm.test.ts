import { describe, expect, it } from 'vitest';
import { crmGet, exchange, INVALID_TOKEN_BODY, login, start } from './helpers.js';

describe('CRM authentication', () => {
  it('answers 401 AUTHENTICATION_FAILURE without a usable Authorization header', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(zoho, admin);
    const expected = {
      status: 401,
      body: {
        code: 'AUTHENTICATION_FAILURE',
        details: {},
        message: 'Authentication failed',
        status: 'error',
      },
    };

    expect(await crmGet(zoho, '/crm/v8/org')).toMatchObject(expected);
    // Tokens in the query string are never accepted.
    expect(await crmGet(zoho, `/crm/v8/org?access_token=${accessToken}`)).toMatchObject(expected);
    expect(await crmGet(zoho, '/crm/v8/org', accessToken, 'Token')).toMatchObject(expected);
  });

  it('answers 401 INVALID_TOKEN for an unknown token, with Zoho’s exact body', async () => {
    const { zoho } = await start();

    const result = await crmGet(
      zoho,
      '/crm/v8/users?type=CurrentUser',
      `1000.${'0'.repeat(32)}.${'1'.repeat(32)}`,
    );

    expect(result.status).toBe(401);
    expect(result.text).toBe(JSON.stringify(INVALID_TOKEN_BODY));
  });

  it('answers 401 OAUTH_SCOPE_MISMATCH when the token lacks the scope', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(
      zoho,
      admin,
      'jane.doe@example.com',
      'ZohoCRM.modules.leads.READ',
    );

    const users = await crmGet(zoho, '/crm/v8/users?type=CurrentUser', accessToken);
    const leads = await crmGet(zoho, '/crm/v8/Leads?fields=Last_Name', accessToken);

    expect(users).toMatchObject({
      status: 401,
      body: {
        code: 'OAUTH_SCOPE_MISMATCH',
        details: {},
        message: 'invalid oauth scope to access this URL',
        status: 'error',
      },
    });
    expect(leads.status).toBe(200);
  });

  it('accepts Bearer and any case of the scheme, and scopes in any case', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(zoho, admin, 'jane.doe@example.com', 'zohocrm.org.all');

    expect((await crmGet(zoho, '/crm/v8/org', accessToken, 'Bearer')).status).toBe(200);
    expect((await crmGet(zoho, '/crm/v8/org', accessToken, 'zoho-OAuthToken')).status).toBe(200);
  });
});

describe('CRM users and org', () => {
  it('returns the current user and their org with ids that match the admin view', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(zoho, admin, 'Jane.Doe@Example.com');
    const known = await admin.user('jane.doe@example.com');

    const me = await crmGet(zoho, '/crm/v8/users?type=CurrentUser', accessToken);
    const org = await crmGet(zoho, '/crm/v8/org', accessToken);

    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      users: [
        { id: known.id, zuid: known.zuid, email: 'jane.doe@example.com', full_name: 'Jane Doe' },
      ],
      info: { per_page: 200, count: 1, page: 1, more_records: false },
    });
    expect(org.body).toEqual({
      org: [
        expect.objectContaining({
          id: known.org.id,
          zgid: known.org.zgid,
          company_name: 'Example',
        }),
      ],
    });
    expect(known.id).toMatch(/^\d{18,19}$/);
    expect(known.org.zgid).toMatch(/^\d+$/);
  });

  it('derives ids from the email, the same in every emulator run', async () => {
    const one = await start();
    const two = await start();
    await one.admin.mintGrantCode('sam@example.com');
    await two.admin.mintGrantCode('sam@example.com');
    await two.admin.mintGrantCode('alex@example.com');

    const [a, b, other] = await Promise.all([
      one.admin.user('sam@example.com'),
      two.admin.user('sam@example.com'),
      two.admin.user('alex@example.com'),
    ]);

    expect(a).toEqual(b);
    expect(other.org.zgid).not.toBe(a.org.zgid);
  });
});

describe('CRM Leads', () => {
  it('pages through the seeded leads with info.more_records', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(zoho, admin);
    const seen = new Set<string>();
    const counts: number[] = [];

    for (let page = 1; ; page++) {
      const result = await crmGet(
        zoho,
        `/crm/v8/Leads?fields=Last_Name,Email&per_page=10&page=${page}`,
        accessToken,
      );
      const body = result.body as {
        data: Array<Record<string, unknown>>;
        info: Record<string, unknown>;
      };
      expect(body.info).toMatchObject({ page, per_page: 10, count: body.data.length });
      for (const lead of body.data) {
        expect(Object.keys(lead).sort()).toEqual(['Email', 'Last_Name', 'id']);
        seen.add(String(lead.id));
      }
      counts.push(body.data.length);
      if (body.info.more_records === false) break;
    }

    expect(counts).toEqual([10, 10, 10, 10, 2]);
    expect(seen.size).toBe(42);
    const beyond = await crmGet(
      zoho,
      '/crm/v8/Leads?fields=Last_Name&per_page=10&page=6',
      accessToken,
    );
    expect(beyond).toMatchObject({ status: 204, text: '' });
  });

  it('sorts by id descending by default and ascending on request', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(zoho, admin);
    const ids = async (query: string) =>
      (
        (await crmGet(zoho, `/crm/v8/Leads?fields=Last_Name${query}`, accessToken)).body as {
          data: Array<{ id: string }>;
        }
      ).data.map((lead) => lead.id);

    const desc = await ids('');
    const asc = await ids('&sort_order=asc');

    expect(desc).toHaveLength(42);
    expect(asc).toEqual([...desc].reverse());
    expect(desc[0]! > desc[1]!).toBe(true);
  });

  it('answers 400 REQUIRED_PARAM_MISSING without fields', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(zoho, admin);

    const result = await crmGet(zoho, '/crm/v8/Leads?page=1', accessToken);

    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'fields' },
      message: 'One of the expected parameter is missing',
      status: 'error',
    });
  });

  it('answers 204 with no body for an org without leads', async () => {
    const { zoho, admin } = await start();
    const code = await admin.mintGrantCode('empty@example.com', undefined, { leads: 0 });
    const { access_token: accessToken } = await exchange(zoho, code);

    expect(await crmGet(zoho, '/crm/v8/Leads?fields=Last_Name', String(accessToken))).toMatchObject(
      {
        status: 204,
        text: '',
      },
    );
  });

  it('answers INVALID_MODULE and INVALID_URL_PATTERN for other paths', async () => {
    const { zoho, admin } = await start();
    const { accessToken } = await login(zoho, admin);

    expect(await crmGet(zoho, '/crm/v8/Nonsense?fields=Name', accessToken)).toMatchObject({
      status: 400,
      body: { code: 'INVALID_MODULE', details: { resource_path_index: 0 } },
    });
    expect(await crmGet(zoho, '/crm/v8/Leads/1/2/3', accessToken)).toMatchObject({
      status: 404,
      body: { code: 'INVALID_URL_PATTERN' },
    });
  });

  it('serves Leads field metadata to a token with a settings scope only', async () => {
    const { zoho, admin } = await start();
    const plain = await login(zoho, admin);
    const settings = await login(
      zoho,
      admin,
      'jane.doe@example.com',
      'ZohoCRM.settings.fields.READ',
    );

    const denied = await crmGet(zoho, '/crm/v8/settings/fields?module=Leads', plain.accessToken);
    const fields = await crmGet(zoho, '/crm/v8/settings/fields?module=Leads', settings.accessToken);
    const missing = await crmGet(zoho, '/crm/v8/settings/fields', settings.accessToken);

    expect(denied).toMatchObject({ status: 401, body: { code: 'OAUTH_SCOPE_MISMATCH' } });
    const names = (fields.body as { fields: Array<{ api_name: string }> }).fields.map(
      (f) => f.api_name,
    );
    expect(names).toContain('Last_Name');
    expect(names).toContain('Email');
    expect(missing).toMatchObject({ status: 400, body: { code: 'REQUIRED_PARAM_MISSING' } });
  });
});

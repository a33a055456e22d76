import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { describeWithService } from '../../support/services.js';
import { processSuite } from '../sql/process-suite.js';
import { postgresAdmin, postgresUrl, uniqueName } from '../sql/sql-helpers.js';

const SCHEMA = uniqueName('pg_processes');

processSuite(await describeWithService('postgres'), 'PostgresStore', {
  url: (table) => postgresUrl(SCHEMA, table),
  open: (url) => PostgresStore.fromUrl(url),
  async drop() {
    const admin = await postgresAdmin();
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin.end();
  },
});

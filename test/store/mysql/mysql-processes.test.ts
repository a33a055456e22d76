import { MysqlStore } from '../../../src/store/mysql/mysql-store.js';
import { describeWithService } from '../../support/services.js';
import { processSuite } from '../sql/process-suite.js';
import { mysqlAdmin, mysqlUrl, uniqueName } from '../sql/sql-helpers.js';

const DATABASE = uniqueName('mysql_processes');

processSuite(await describeWithService('mysql'), 'MysqlStore', {
  url: (table) => mysqlUrl(DATABASE, table),
  open: (url) => MysqlStore.fromUrl(url),
  async drop() {
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.end();
  },
});

export {
  type MigrateOptions,
  type MigrationProgress,
  type MigrationReport,
  migrateTokens,
} from './migrate.js';
export { type MigrationAction, type MigrationStep, planMigration } from './migration-plan.js';
export { canonicalToken, tokensChecksum } from './token-checksum.js';

// @reply-sync/db: schema, migrations, credential encryption and the account-scoped queries.
export * from './schema';
export * from './client';
export * from './migrate';
export * from './crypto/index';

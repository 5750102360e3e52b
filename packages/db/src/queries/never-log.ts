// The account's never-log list: addresses, and domains that also cover their subdomains (address-list.ts).
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { neverLog } from '../schema';
import { addressListQueries, normalizeListValue } from './address-list';

export { normalizeListValue as normalizeNeverLogValue };

export const neverLogQueries = (db: Db, scope: AccountScope) => addressListQueries(db, scope, neverLog);

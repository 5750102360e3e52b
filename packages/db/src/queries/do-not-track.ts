// The account's do-not-track list: addresses, and domains that also cover their subdomains, never given a
// pixel or a rewritten link. The same queries and normalization as the never-log list (address-list.ts).
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { doNotTrack } from '../schema';
import { addressListQueries } from './address-list';

export const doNotTrackQueries = (db: Db, scope: AccountScope) => addressListQueries(db, scope, doNotTrack);

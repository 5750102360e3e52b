// Which live member owns which shard: rendezvous (highest random weight) hashing. Every member computes
// it alone from the same member list and gets the same answer; when a member joins or leaves, only the
// shards it gains or loses move (about 1/N of them), nothing else reconnects.
import { hash32, SHARD_COUNT } from './fleet-keys';

/** The owner of one shard among `members` (none when the list is empty). */
export function ownerOf(shard: number, members: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const member of members) {
    const score = hash32(`${member}#${shard}`);
    // Ties (vanishingly rare) go to the smaller id, so every member breaks them the same way.
    if (score > bestScore || (score === bestScore && best !== null && member < best)) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

/** The shards `member` owns when `members` (which should include it) are the live ones. */
export function ownedShards(member: string, members: readonly string[]): Set<number> {
  const all = members.includes(member) ? members : [...members, member];
  const owned = new Set<number>();
  for (let shard = 0; shard < SHARD_COUNT; shard++) if (ownerOf(shard, all) === member) owned.add(shard);
  return owned;
}

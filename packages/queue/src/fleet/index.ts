// The fleet: the sharded registry of connected inboxes, the membership of live workers, and who owns
// (and holds) which shard.
export { MEMBERSHIP_COPIES, SHARD_COUNT, fleetKeys, hash32, membershipTags, shardOf, slotOfTag, type FleetKeys, type MembershipCopyKeys } from './fleet-keys';
export { ownerOf, ownedShards } from './ownership';
export { HEARTBEAT_MS, MEMBER_TTL_MS, MembershipUnavailableError, announceJoin, heartbeat, leaveFleet, liveMembers, parseMemberJoined, type Heartbeat } from './membership';
export {
  deleteFleet,
  parseRegistryChange,
  registerInboxes,
  registeredInboxIds,
  shardInboxes,
  unregisterInboxes,
  type RegistryChange,
} from './inbox-registry';
export { markShardReady, shardsReady, unmarkShardReady } from './handover-readiness';

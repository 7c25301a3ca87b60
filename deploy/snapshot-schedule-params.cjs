// The snapshot schedule's parameters, read the same way by the schedules
// (deploy/snapshot-schedules.cjs) and the alarms (deploy/monitoring.cjs): the missing-runs alarm
// expects one completed run a minute from each shard, so both must see the same number.
const readSnapshotSchedule = async (resolveVariable) => {
  const shards = Number(await resolveVariable('param:snapshotShards'));
  if (!Number.isInteger(shards) || shards < 1 || shards > 50) {
    throw new Error(`snapshotShards must be a whole number from 1 to 50, got ${shards}`);
  }
  return { shards, enabled: String(await resolveVariable('param:snapshotScheduleEnabled')) !== 'false' };
};

module.exports = { readSnapshotSchedule };

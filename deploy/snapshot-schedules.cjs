// The snapshot function's schedules: one EventBridge rule a shard, each passing its shard in
// the event input, so the number of shards is a deploy parameter and never a code change.
module.exports = async ({ resolveVariable }) => {
  const shards = Number(await resolveVariable('param:snapshotShards'));
  const enabled = String(await resolveVariable('param:snapshotScheduleEnabled')) !== 'false';
  if (!Number.isInteger(shards) || shards < 1 || shards > 50) {
    throw new Error(`snapshotShards must be a whole number from 1 to 50, got ${shards}`);
  }
  return Array.from({ length: shards }, (_, shard) => ({
    schedule: { rate: 'rate(1 minute)', enabled, input: { shard, shards } },
  }));
};

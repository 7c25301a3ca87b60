// The snapshot function's schedules: one EventBridge rule a shard, each passing its shard in
// the event input, so the number of shards is a deploy parameter and never a code change.
// Every minute, on the minute: a `rate(1 minute)` rule fires at the second it was created at
// (say :37), and a run samples the ticks of the minute it starts in, so the ticks before that
// second would be stored as `missed` gaps every minute. A cron rule fires a few seconds after :00,
// which only delays the first tick within its own interval.
module.exports = async ({ resolveVariable }) => {
  const shards = Number(await resolveVariable('param:snapshotShards'));
  const enabled = String(await resolveVariable('param:snapshotScheduleEnabled')) !== 'false';
  if (!Number.isInteger(shards) || shards < 1 || shards > 50) {
    throw new Error(`snapshotShards must be a whole number from 1 to 50, got ${shards}`);
  }
  return Array.from({ length: shards }, (_, shard) => ({
    schedule: { rate: 'cron(* * * * ? *)', enabled, input: { shard, shards } },
  }));
};

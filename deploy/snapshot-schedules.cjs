// The snapshot function's schedules: one EventBridge rule a shard, each passing its shard in
// the event input, so the number of shards is a deploy parameter and never a code change.
// Every minute, on the minute: a `rate(1 minute)` rule fires at the second it was created at
// (say :37), and a run samples the ticks of the minute it starts in, so the ticks before that
// second would be stored as `missed` gaps every minute. A cron rule fires a few seconds after :00,
// which only delays the first tick within its own interval.
const { readSnapshotSchedule } = require('./snapshot-schedule-params.cjs');

module.exports = async ({ resolveVariable }) => {
  const { shards, enabled } = await readSnapshotSchedule(resolveVariable);
  return Array.from({ length: shards }, (_, shard) => ({
    schedule: { rate: 'cron(* * * * ? *)', enabled, input: { shard, shards } },
  }));
};

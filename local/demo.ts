import { emulatorClient } from '#support/emulator-client.ts';

// The demo rooms `npm start` creates in the emulator, and the curl lines it prints for them.

export const DEMO_GROUPS = {
  live: '@TGS#aDEMOLIVE1',
  smallLive: '@TGS#aDEMOLIVE2',
  bigLive: '@TGS#aDEMOLIVE3',
  public: '@TGS#2DEMOPUBLIC',
} as const;

export const DEMO_ROOMS = { main: 'demo-room-1', quiet: 'demo-room-2' } as const;

export const seedDemoData = async (emulatorUrl: string, rtcAppId: string): Promise<void> => {
  const emulator = emulatorClient(emulatorUrl);
  await emulator.putGroup(DEMO_GROUPS.live, { type: 'AVChatRoom', onlineCount: 1200, fluctuate: true, admins: ['host_anna'], memberCount: 250 });
  await emulator.putGroup(DEMO_GROUPS.smallLive, { type: 'AVChatRoom', onlineCount: 86, fluctuate: true, memberCount: 40 });
  await emulator.putGroup(DEMO_GROUPS.bigLive, { type: 'AVChatRoom', onlineCount: 15000, fluctuate: true, memberCount: 2000 });
  await emulator.putGroup(DEMO_GROUPS.public, { type: 'Public', memberCount: 3000 });
  await emulator.putRoom(rtcAppId, DEMO_ROOMS.main, {
    visibleUsers: ['host_anna', 'guest_bo', 'guest_chen'],
    invisibleUsers: ['recorder_bot', 'moderator_dee', 'silent_user_1'],
  });
  await emulator.putRoom(rtcAppId, DEMO_ROOMS.quiet, { visibleUsers: ['solo_host'], invisibleUsers: [] });
};

export const tryThis = (apiUrl: string, emulatorUrl: string): string => {
  const g = (id: string) => encodeURIComponent(id);
  return [
    `curl -s ${apiUrl}/v1/groups/${g(DEMO_GROUPS.live)}/online-count`,
    `curl -s '${apiUrl}/v1/groups/${g(DEMO_GROUPS.public)}/members?limit=3&fields=role,joinTime'`,
    `curl -s '${apiUrl}/v1/groups/${g(DEMO_GROUPS.public)}/members?limit=6000&offset=0' | head -c 300`,
    `curl -s -X POST ${apiUrl}/v1/groups/${g(DEMO_GROUPS.live)}/admins -H 'content-type: application/json' -d '{"action":"set","accounts":["mod_eve"]}'`,
    `curl -s ${apiUrl}/v1/groups/${g(DEMO_GROUPS.live)}/admins`,
    `curl -s ${apiUrl}/v1/groups/${g(DEMO_GROUPS.bigLive)}/online-members      # then ?cursor=<nextCursor>`,
    `curl -s ${apiUrl}/v1/rooms/${DEMO_ROOMS.main}/online-users`,
    `curl -s ${apiUrl}/v1/groups/${g(DEMO_GROUPS.live)}/online-count/history      # after the first minute`,
    `curl -s '${apiUrl}/v1/rooms/${DEMO_ROOMS.main}/online-users/history?limit=5'`,
    `curl -s ${apiUrl}/v1/groups/${g(DEMO_GROUPS.public)}/online-count      # 403: not a live-stream group`,
    `curl -s ${emulatorUrl}/_emulator/tencent/groups/${g(DEMO_GROUPS.live)}/messages | head -c 600      # the counts pushed to the group's audience`,
    `curl -s ${apiUrl}/v1/groups/${g('@TGS#aNOSUCHGROUP')}/online-count    # 404`,
  ].join('\n');
};

export const WALKTHROUGH_ROOM = 'new-room';

/** Create a room, see it tracked by its callback, watch its history fill, end it, see it untracked. */
export const trackingWalkthrough = (apiUrl: string, emulatorUrl: string, appId: string): string => {
  const room = `${emulatorUrl}/_emulator/volc/apps/${encodeURIComponent(appId)}/rooms/${WALKTHROUGH_ROOM}`;
  return [
    `curl -s -X PUT ${room} -d '{"visibleUsers":["host_ivy","guest_jo"]}'      # the room starts`,
    `curl -s '${apiUrl}/v1/tracking?kind=room'      # ${WALKTHROUGH_ROOM} is tracked, source "callback"`,
    `curl -s '${apiUrl}/v1/rooms/${WALKTHROUGH_ROOM}/online-users/history'      # its samples, from the next minute on`,
    `curl -s -X POST ${room}/join -d '{"userId":"late_kim"}'      # a user joins: the tracking expiry moves on`,
    `curl -s -X DELETE ${room}      # the room ends`,
    `curl -s '${apiUrl}/v1/tracking?kind=room'      # ${WALKTHROUGH_ROOM} is no longer tracked`,
    `curl -s -X PUT ${apiUrl}/v1/groups/${encodeURIComponent(DEMO_GROUPS.public)}/tracking      # 403: only live-stream groups can be tracked`,
  ].join('\n');
};

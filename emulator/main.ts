import { startEmulator } from './server.ts';

// `npm run emulator`: the emulator alone, for testing your own app against it.
const port = Number(process.env.EMULATOR_PORT ?? 4010);
const emulator = await startEmulator({ port, host: process.env.EMULATOR_HOST ?? '127.0.0.1' });
process.stdout.write(
  `livegate emulator listening on ${emulator.url}\n` +
    `  Tencent Chat:    POST ${emulator.url}/v4/group_open_http_svc/get_online_member_num?...\n` +
    `  Volcengine RTC:  GET  ${emulator.url}/?Action=GetRoomOnlineUsers&Version=2023-08-01&AppId=..&RoomId=..\n` +
    `  Secrets Manager: AWS_ENDPOINT_URL_SECRETS_MANAGER=${emulator.url}\n` +
    `  Control API:     ${emulator.url}/_emulator/stats\n` +
    `  Callbacks to:    Tencent ${process.env.EMULATOR_TENCENT_CALLBACK_URL || '(none: set EMULATOR_TENCENT_CALLBACK_URL)'}, ` +
    `Volcengine ${process.env.EMULATOR_VOLC_CALLBACK_URL || '(none: set EMULATOR_VOLC_CALLBACK_URL)'}\n`,
);
const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

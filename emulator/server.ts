import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackSender, type CallbackTargets, callbackTargetsFromEnv } from './callbacks.ts';
import type { EmulatorContext, EmulatorLimits } from './context.ts';
import { serveControl } from './control.ts';
import { credentialsFromEnv, type EmulatorCredentials } from './credentials.ts';
import { send } from './http.ts';
import { serveSecretsManager } from './secrets-manager.ts';
import { EmulatorState } from './state.ts';
import { serveTencent, TENCENT_PATHS } from './tencent.ts';
import { Traffic } from './traffic.ts';
import { serveVolc } from './volc.ts';

// One HTTP server for the emulated Tencent Chat, Volcengine RTC and Secrets Manager endpoints
// plus the /_emulator control API (see docs/EMULATOR.md).

export interface EmulatorOptions {
  port?: number;
  host?: string;
  credentials?: EmulatorCredentials;
  limits?: Partial<EmulatorLimits>;
  clock?: () => number;
  /** Called for each upstream call, for a request log. */
  onCall?: (line: string) => void;
  /**
   * Where the providers' callbacks go. Absent: the environment's EMULATOR_TENCENT_CALLBACK_URL and
   * EMULATOR_VOLC_CALLBACK_URL; given: only these (an unset URL sends no callback of its provider).
   */
  callbacks?: CallbackTargets;
}

export interface RunningEmulator {
  url: string;
  port: number;
  state: EmulatorState;
  traffic: Traffic;
  credentials: () => EmulatorCredentials;
  callbacks: CallbackSender;
  close: () => Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The whole body, or undefined when it passes MAX_BODY_BYTES (the request is dropped there). */
const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const startEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const clock = options.clock ?? Date.now;
  let credentials = options.credentials ?? credentialsFromEnv();
  const context: EmulatorContext = {
    state: new EmulatorState(),
    traffic: new Traffic(clock),
    clock,
    limits: { tencentPerSecond: 200, volcPerSecond: 40, volcBroadcastPerSecond: 500, ...options.limits },
    get credentials() {
      return credentials;
    },
    set credentials(rotated: EmulatorCredentials) {
      credentials = rotated;
    },
    callbacks: new CallbackSender(options.callbacks ?? callbackTargetsFromEnv(), () => credentials, clock),
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator.local');
      const body = await readBody(req);
      if (body === undefined) return send(res, 413, { error: 'body too large' });
      options.onCall?.(`${req.method} ${url.pathname}`);
      const tencentApi = TENCENT_PATHS[url.pathname];
      if (tencentApi && req.method === 'POST') return serveTencent(context, tencentApi, url, body, res);
      if (url.pathname.startsWith('/_emulator/')) return serveControl(context, req, url, body, res);
      if (url.pathname === '/' && req.headers['x-amz-target']) return serveSecretsManager(context, req, body, res);
      if (url.pathname === '/' && url.searchParams.has('Action')) return serveVolc(context, req, url, body, res);
      send(res, 404, { error: `nothing is emulated at ${req.method} ${url.pathname}` });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state: context.state,
    traffic: context.traffic,
    credentials: () => context.credentials,
    callbacks: context.callbacks,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

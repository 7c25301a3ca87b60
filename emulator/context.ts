import type { CallbackSender } from './callbacks.ts';
import type { EmulatorCredentials } from './credentials.ts';
import type { EmulatorState } from './state.ts';
import type { Traffic } from './traffic.ts';

export interface EmulatorLimits {
  tencentPerSecond: number;
  volcPerSecond: number;
  /** SendBroadcast calls per second per AppId (Volcengine: 500). */
  volcBroadcastPerSecond: number;
}

/**
 * What the endpoints of one running emulator share. The control API replaces `credentials` and
 * changes `limits` while it runs, so endpoints read them at each call, never once at start.
 */
export interface EmulatorContext {
  state: EmulatorState;
  traffic: Traffic;
  clock: () => number;
  limits: EmulatorLimits;
  credentials: EmulatorCredentials;
  callbacks: CallbackSender;
}

import type { ServerResponse } from 'node:http';
import { sleep } from '#lib/sleep.ts';
import { send } from './http.ts';
import type { Target, Traffic } from './traffic.ts';

/**
 * Applies the injected fault that fires for this call, if any: waits, then answers for it if it
 * carries an error. An HTTP status is answered as a gateway would, before the service; an error
 * code is answered by `answerWithCode`, in the format of the service. Returns true when answered.
 */
export const applyFault = async (
  traffic: Traffic,
  target: Target,
  api: string,
  res: ServerResponse,
  answerWithCode: (code: number) => void,
): Promise<boolean> => {
  const fault = traffic.takeFault(target, api);
  if (!fault) return false;
  // Unref'd: an injected delay must not keep a finished process alive.
  if (fault.latencyMs) await sleep(fault.latencyMs, { unref: true });
  // The caller gave up during the delay: nothing is left to answer.
  if (res.destroyed) return true;
  if (fault.httpStatus) {
    traffic.recordRejection(api, fault.httpStatus);
    send(res, fault.httpStatus, `<html><body>${fault.httpStatus} injected by the emulator</body></html>`);
    return true;
  }
  if (fault.errorCode) {
    traffic.recordRejection(api, fault.errorCode);
    answerWithCode(fault.errorCode);
    return true;
  }
  return false;
};

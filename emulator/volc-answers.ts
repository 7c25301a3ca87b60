// The answer envelope every emulated Volcengine OpenAPI operation shares.

export interface VolcAnswer {
  status: number;
  body: Record<string, unknown>;
}

export const metadata = (requestId: string, action: string, version: string) => ({
  RequestId: requestId,
  Action: action,
  Version: version,
  Service: 'rtc',
  Region: 'cn-north-1',
});

export const volcError = (
  status: number,
  code: string,
  codeN: number | undefined,
  message: string,
  requestId: string,
  action = '',
  version = '',
): VolcAnswer => ({
  status,
  body: {
    ResponseMetadata: { ...metadata(requestId, action, version), Error: { Code: code, ...(codeN === undefined ? {} : { CodeN: codeN }), Message: message } },
  },
});

// A caller's own x-request-id is echoed so it can follow a request through its logs and
// ours; anything that could not travel safely in a header is replaced by Lambda's ID.
export const SAFE_REQUEST_ID_PATTERN = '^[\\x21-\\x7e]{1,128}$';
const SAFE_REQUEST_ID = new RegExp(SAFE_REQUEST_ID_PATTERN);

export const chooseRequestId = (headers: Record<string, string | undefined> | undefined, lambdaRequestId: string | undefined): string => {
  const given = headers?.['x-request-id'];
  if (given !== undefined && SAFE_REQUEST_ID.test(given)) return given;
  return lambdaRequestId || 'local';
};

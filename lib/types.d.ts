declare module 'tls-sig-api-v2/TLSSigAPIv2.js' {
  class Api {
    constructor(sdkAppId: number, secretKey: string);
    genUserSig(userId: string, expireSeconds: number): string;
    genSig(userId: string, expireSeconds: number, userBuf: Buffer | null): string;
  }
  const TLSSigAPIv2: { Api: typeof Api };
  export default TLSSigAPIv2;
}

declare module 'tls-sig-api-v2/TLSSigAPIv2.js' {
  class Api {
    constructor(sdkAppId: number, secretKey: string);
    genUserSig(userId: string, expireSeconds: number): string;
    genSig(userId: string, expireSeconds: number, userBuf: Buffer | null): string;
  }
  const TLSSigAPIv2: { Api: typeof Api };
  export default TLSSigAPIv2;
}

declare module 'dynalite' {
  import type { Server } from 'node:http';

  function dynalite(options?: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; ssl?: boolean }): Server;
  export default dynalite;
}

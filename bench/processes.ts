import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Background } from '#support/background-processes.ts';

let certificate: { key: Buffer; cert: Buffer; caFile: string } | undefined;
const selfSigned = () => {
  if (certificate) return certificate;
  const dir = mkdtempSync(path.join(tmpdir(), 'livegate-bench-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  certificate = { key: readFileSync(keyFile), cert: readFileSync(caFile), caFile };
  return certificate;
};

/**
 * An HTTPS front for a local HTTP service (one throwaway self-signed certificate, trusted by
 * the child processes through NODE_EXTRA_CA_CERTS=caFile). In AWS the SDK reaches Secrets
 * Manager and DynamoDB over HTTPS; over plain HTTP it takes another code path (a dynamic import
 * of node:http, which in Node 22 also loads undici and web streams), and a cold start measured
 * that way would pay for code a deployed function never loads.
 */
export const startTlsFront = async (targetUrl: string): Promise<Background & { caFile: string }> => {
  const { key, cert, caFile } = selfSigned();
  const target = new URL(targetUrl);
  const server = https.createServer({ key, cert }, (req, res) => {
    const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile,
    stop: () => {
      server.close();
      server.closeAllConnections();
    },
  };
};

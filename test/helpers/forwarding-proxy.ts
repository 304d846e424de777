import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on loopback in front of a simulator, for what the simulator itself does not do (a
 * gateway's 502, a throttle with its own body) and to record the requests a test sends. `intercept`
 * sees each request with its whole body and answers it itself (returns true), or lets it go on to
 * `target` unchanged.
 */
export interface ForwardingProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startForwardingProxy(
  target: string,
  intercept: (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean,
): Promise<ForwardingProxy> {
  const to = new URL(target);
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    if (intercept(req, res, body)) return;
    const upstream = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP proxy to the private engine's unix socket that records every request. */
export class RecordingEngineProxy {
  readonly requests: string[] = [];
  private readonly server: Server;

  constructor(socketPath: string) {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      const upstream = request(
        { socketPath, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `tcp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP forward to the private engine's unix socket that can go down (port closed,
 * connections dropped: the engine looks unreachable, ECONNREFUSED) and come back on the same port,
 * so one host can lose its engine while the shared dockerd keeps running for everyone else.
 */
export class EngineOutageProxy {
  private server: Server | null = null;
  private port = 0;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly socketPath: string) {}

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  async up(): Promise<string> {
    if (!this.server) {
      const server = createServer((client) => {
        const engine = connect(this.socketPath);
        for (const socket of [client, engine]) {
          this.sockets.add(socket);
          socket.on('close', () => this.sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.on('close', () => engine.destroy());
        engine.on('close', () => client.destroy());
        client.pipe(engine).pipe(client);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.port, '127.0.0.1', () => resolve());
      });
      this.port = (server.address() as AddressInfo).port;
      this.server = server;
    }
    return this.url;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = null;
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.down();
  }
}

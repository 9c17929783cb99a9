import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ResultCode } from '@sspr/contracts';
import { SecureConnection } from './secure-connection';

describe('SecureConnection with StartTLS', () => {
  let server: Server;
  let connections: number;
  const sockets = new Set<Socket>();
  let url: string;

  beforeEach(async () => {
    connections = 0;
    // Counts TCP connections and never answers: whatever reached it would have been sent in clear.
    server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `ldap://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });

  it('opens no plain connection for an operation outside open(): a bind is refused, not sent in clear', async () => {
    const connection = new SecureConnection(url, true, {}, 500);

    await expect(connection.client.bind('CN=someone', 'Some-Password-1')).rejects.toMatchObject({
      code: ResultCode.DirectoryUnreachable,
    });
    await connection.close();

    expect(connections).toBe(0);
  });

  it('opens its plain connection only inside open(), to upgrade it', async () => {
    const connection = new SecureConnection(url, true, {}, 300);

    // The server never answers the StartTLS request: open() times out, after one connection.
    await expect(connection.open()).rejects.toThrow();
    await expect(connection.client.bind('CN=someone', 'Some-Password-1')).rejects.toMatchObject({
      code: ResultCode.DirectoryUnreachable,
    });
    await connection.close();

    expect(connections).toBe(1);
  });
});

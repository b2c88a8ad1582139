import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Ways of writing "this machine" in a URL host, all of which reach a loopback address. */
export const LOOPBACK_SPELLINGS = [
  '127.0.0.1',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '2130706433',
  '0x7f000001',
  '127.1',
  'localhost',
  '[::1]',
];

/**
 * An HTTP server on 127.0.0.1 and on ::1 (the same port), answering every request with an
 * empty OCPI success and counting the TCP connections it accepts: proof that a refused call
 * never reached the network.
 */
export interface ConnectionCounter {
  port: number;
  /** TCP connections accepted so far, on either address. */
  connections(): number;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startConnectionCounter(): Promise<ConnectionCounter> {
  let connections = 0;
  const make = () => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: [], status_code: 1000, timestamp: new Date().toISOString() }));
    });
    server.on('connection', () => connections++);
    return server;
  };
  // The port is free on 127.0.0.1; on ::1 someone may hold it, then try another.
  for (let attempt = 0; ; attempt++) {
    const v4 = make();
    await listen(v4, '127.0.0.1', 0);
    const port = (v4.address() as AddressInfo).port;
    const v6 = make();
    try {
      await listen(v6, '::1', port);
    } catch (err) {
      await close(v4);
      if (attempt < 5) continue;
      throw err;
    }
    return {
      port,
      connections: () => connections,
      close: async () => {
        await Promise.all([close(v4), close(v6)]);
      },
    };
  }
}

/** A lookup that answers `names` from the table (as dns.lookup would) and fails the rest. */
export function fakeLookup(names: Record<string, string>) {
  const asked: string[] = [];
  const lookup = (
    hostname: string,
    options: { all?: boolean },
    callback: (
      err: NodeJS.ErrnoException | null,
      address: string | Array<{ address: string; family: number }>,
      family?: number,
    ) => void,
  ): void => {
    asked.push(hostname);
    const address = names[hostname];
    if (address === undefined) {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      callback(err, options.all ? [] : '');
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return { lookup, asked };
}

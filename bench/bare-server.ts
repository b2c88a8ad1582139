/**
 * The baseline of bench/served.ts, run as its own process: a bare Fastify server answering
 * each path with fixed bytes (the served node's real response body and headers, fetched
 * once). A PUT or POST route parses its JSON body first (Fastify's own parser), as any
 * write route must. Argument: a JSON file of `BareRoute`s. Prints `bare listening on <port>`
 * when ready.
 */
import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';

export interface BareRoute {
  /** Default GET. */
  method?: 'GET' | 'PUT' | 'POST';
  path: string;
  body: string;
  headers: Record<string, string>;
}

const file = process.argv[2];
if (!file) throw new Error('usage: bare-server.ts <routes.json>');
const routes = JSON.parse(await readFile(file, 'utf8')) as BareRoute[];
const app = Fastify();
for (const route of routes) {
  const body = Buffer.from(route.body);
  app.route({
    method: route.method ?? 'GET',
    url: route.path,
    handler: async (_request, reply) => {
      reply.headers(route.headers);
      return reply.send(body);
    },
  });
}
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`bare listening on ${typeof address === 'object' && address ? address.port : 0}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

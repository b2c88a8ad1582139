import Fastify from 'fastify';

/** A request the catcher received. */
export interface Caught {
  method: string;
  /** Path and query. */
  url: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A tiny loopback server that takes any POST or PUT, answers OCPI success and remembers it:
 * a partner's response_url for results we do not read through a node.
 */
export async function startCatcher() {
  const app = Fastify();
  const caught: Caught[] = [];
  app.route({
    method: ['POST', 'PUT'],
    url: '/*',
    handler: async (request) => {
      caught.push({ method: request.method, url: request.url, body: request.body, headers: request.headers });
      return { status_code: 1000, timestamp: new Date().toISOString() };
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let n = 0;
  return {
    base,
    caught,
    /** A new response_url, unique in the run. */
    url: (what = 'result') => `${base}/${what}/${++n}`,
    /** What reached one URL (by its path), in arrival order. */
    at: (url: string) => caught.filter((c) => `${base}${c.url}` === url),
    close: () => app.close(),
  };
}
export type Catcher = Awaited<ReturnType<typeof startCatcher>>;

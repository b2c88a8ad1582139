/**
 * The eMSP of bench/served-commands.ts, run as its own process: a node (in-memory store)
 * registered with the served CPO by its bootstrap token, so that response_urls on its host are
 * ones the CPO takes, and on the same server the bench's response_urls:
 *
 *   POST /bench-results/<anything>   records when it arrived (ms since the epoch, µs decimals)
 *   GET  /bench-arrivals             the arrivals so far, [{ path, at }], and forgets them
 *   GET  /bench-sessions             ids of the Sessions the CPO pushed to this node
 *
 * Arguments: the CPO's versions URL and bootstrap token. Prints
 * `receiver ready <port> <Authorization header value>` once registered.
 */
import { createOcpiApp } from '../src/index.ts';
import { authAs } from './served-node.ts';

const [versionsUrl, bootstrapToken] = process.argv.slice(2);
if (!versionsUrl || !bootstrapToken)
  throw new Error('usage: result-receiver.ts <versions URL> <bootstrap token>');

const emsp = await createOcpiApp({
  parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'bench' } }],
});
let arrivals: Array<{ path: string; at: number }> = [];
const sessions = new Set<string>();
emsp.ocpi.events.on('received', (event: { module: string; object: { id?: unknown } }) => {
  if (event.module === 'sessions' && typeof event.object.id === 'string') sessions.add(event.object.id);
});
emsp.post('/bench-results/*', async (request) => {
  arrivals.push({ path: request.url, at: performance.timeOrigin + performance.now() });
  return { status_code: 1000, timestamp: new Date().toISOString() };
});
emsp.get('/bench-arrivals', async () => {
  const taken = arrivals;
  arrivals = [];
  return taken;
});
emsp.get('/bench-sessions', async () => [...sessions]);
await emsp.listen({ port: 0, host: '127.0.0.1' });
const partner = await emsp.ocpi.registerWith(versionsUrl, bootstrapToken);
const { authorization } = await authAs(emsp, partner.id);
const address = emsp.server.address();
process.stdout.write(
  `receiver ready ${typeof address === 'object' && address ? address.port : 0} ${authorization}\n`,
);
const stop = () => void emsp.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

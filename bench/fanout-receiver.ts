/**
 * The eMSPs of bench/fanout.ts, run as their own process: `count` cheap OCPI 2.2.1 partners on
 * one plain node:http server, partner i under /p<i>/ (versions, details, credentials for the
 * registration handshake; a Locations receiver that answers every PUT and PATCH with an OCPI
 * 1000 envelope at once). Each push is checked against the one before it of the same partner
 * and object: its `last_updated` must not go back (per-object order). GET /stats gives the
 * counts and, per partner and object path, the newest `last_updated` received.
 * Argument: the partner count. Prints `receivers listening on <port>` when ready.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ReceiverStats {
  deliveries: number;
  /** Pushes whose last_updated was older than one received before for the same partner and object. */
  outOfOrder: number;
  /** Pushes of each partner. */
  perPartner: number[];
  /** `<partner> <path>` → newest last_updated received. */
  newest: Record<string, string>;
}

const count = Number(process.argv[2] ?? 10);
const stats: ReceiverStats = {
  deliveries: 0,
  outOfOrder: 0,
  perPartner: Array.from({ length: count }, () => 0),
  newest: {},
};
let base = '';

const envelope = (data: unknown) =>
  JSON.stringify({ data, status_code: 1000, timestamp: new Date().toISOString() });

function send(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The answer to partner `partner`'s `rest` path, or undefined for none (404). */
function answer(partner: number, rest: string, method: string, text: string): string | undefined {
  const root = `${base}/p${partner}`;
  if (rest === 'versions') return envelope([{ version: '2.2.1', url: `${root}/details` }]);
  if (rest === 'details')
    return envelope({
      version: '2.2.1',
      endpoints: [
        { identifier: 'credentials', role: 'SENDER', url: `${root}/credentials` },
        { identifier: 'locations', role: 'RECEIVER', url: `${root}/locations` },
      ],
    });
  if (rest === 'credentials') {
    const party = `M${String(partner).padStart(2, '0')}`;
    return envelope({
      token: `token-c-${partner}`,
      url: `${root}/versions`,
      roles: [{ role: 'EMSP', country_code: 'DE', party_id: party, business_details: { name: party } }],
    });
  }
  if (rest.startsWith('locations/') && (method === 'PUT' || method === 'PATCH')) {
    const body: unknown = JSON.parse(text);
    const stamp = typeof body === 'object' && body !== null ? Reflect.get(body, 'last_updated') : undefined;
    // As an ISO string with milliseconds, whatever the partner's version wrote.
    const updated = new Date(String(stamp)).toISOString();
    const key = `${partner} ${rest.slice('locations/'.length)}`;
    const before = stats.newest[key];
    if (before !== undefined && updated < before) stats.outOfOrder++;
    else stats.newest[key] = updated;
    stats.deliveries++;
    stats.perPartner[partner] = (stats.perPartner[partner] ?? 0) + 1;
    return envelope(null);
  }
  return undefined;
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const url = req.url ?? '/';
    const match = /^\/p(\d+)\/(.*)$/.exec(url);
    const body =
      url === '/stats'
        ? JSON.stringify(stats)
        : match
          ? answer(Number(match[1]), match[2] ?? '', req.method ?? 'GET', Buffer.concat(chunks).toString())
          : undefined;
    if (body === undefined) res.writeHead(404).end();
    else send(res, body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  process.stdout.write(`receivers listening on ${port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

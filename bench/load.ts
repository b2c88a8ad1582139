/**
 * The load generator of the write benchmarks, run as its own process: autocannon through its
 * API, so that each request can differ (the autocannon CLI sends one fixed body). Argument: a
 * JSON file of `LoadSpec`. Prints autocannon's result as JSON, with `ocpiFailures`: the
 * answers whose OCPI status_code was not 1000 (an OCPI error still comes with HTTP 200).
 *
 * In `path` and `body`, `{n}` becomes a counter (0, 1, 2… across connections) and `{sent}`
 * the wall-clock time the request is built, in ms since the epoch with µs decimals (autocannon
 * builds a request just before it writes it). Another process can compare that with its own
 * clock: both read the same system clock.
 *
 * With `rate`, the load is paced instead (bench/paced-load.ts): that many requests a second
 * on `connections` connections, each due at its time whatever the answers before it did.
 */
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { pacedLoad } from './paced-load.ts';

export interface LoadSpec {
  /** Origin of the server, e.g. http://127.0.0.1:3000. */
  origin: string;
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  /** Where `{n}` starts (a second run with new objects starts past the first one's). */
  firstN?: number;
  /** Requests per second, paced; without it each connection sends its next request when its last is answered. */
  rate?: number;
}

const SUCCESS = /"status_code":1000[,}]/;

const file = process.argv[2];
if (!file) throw new Error('usage: load.ts <spec.json>');
const spec = JSON.parse(await readFile(file, 'utf8')) as LoadSpec;
let n = spec.firstN ?? 0;
let ocpiFailures = 0;
let firstFailure: string | undefined;
const fill = (template: string, i: number, sent: string) =>
  template.replaceAll('{n}', String(i)).replaceAll('{sent}', sent);
const dynamic = /\{n\}|\{sent\}/.test(spec.path + (spec.body ?? ''));

/** Request i's path and body; `{sent}` is the time it is built, just before it is written. */
const built = (i: number) => {
  const sent = (performance.timeOrigin + performance.now()).toFixed(3);
  return {
    path: fill(spec.path, i, sent),
    ...(spec.body === undefined ? {} : { body: fill(spec.body, i, sent) }),
  };
};

async function closedLoop() {
  const result = await autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.seconds,
    // Slow answers count as slow, not as errors after autocannon's 10 s.
    timeout: 30,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        ...(spec.body === undefined ? {} : { body: spec.body }),
        ...(dynamic ? { setupRequest: (request) => ({ ...request, ...built(n++) }) } : {}),
        onResponse: (status, body) => {
          if (status < 300 && !SUCCESS.test(body)) {
            ocpiFailures++;
            firstFailure ??= body.slice(0, 500);
          }
        },
      },
    ],
  });
  return { ...result, ocpiFailures, firstFailure };
}

async function paced(rate: number) {
  const { refused, firstRefused, ...result } = await pacedLoad({
    origin: spec.origin,
    connections: spec.connections,
    seconds: spec.seconds,
    rate,
    request: () => ({ method: spec.method, headers: spec.headers, ...built(n++) }),
    succeeded: (body) => SUCCESS.test(body),
  });
  return { ...result, ocpiFailures: refused, firstFailure: firstRefused };
}

const result = spec.rate === undefined ? await closedLoop() : await paced(spec.rate);
process.stdout.write(JSON.stringify({ ...result, nextN: n }));

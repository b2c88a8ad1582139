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
 */
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';

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
      ...(dynamic
        ? {
            setupRequest: (request) => {
              const i = n++;
              const sent = (performance.timeOrigin + performance.now()).toFixed(3);
              return {
                ...request,
                path: fill(spec.path, i, sent),
                ...(spec.body === undefined ? {} : { body: fill(spec.body, i, sent) }),
              };
            },
          }
        : {}),
      onResponse: (status, body) => {
        if (status < 300 && !SUCCESS.test(body)) {
          ocpiFailures++;
          firstFailure ??= body.slice(0, 500);
        }
      },
    },
  ],
});
process.stdout.write(JSON.stringify({ ...result, ocpiFailures, firstFailure, nextN: n }));

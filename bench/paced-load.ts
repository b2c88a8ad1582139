/**
 * An open-loop load at a fixed rate, for latency below saturation: request i is due at
 * start + i / rate, whatever the answers before it did, on a pool of `connections` keep-alive
 * connections (a request due while all are busy waits in the pool's queue). Its latency runs
 * from when it was due to when its answer's body is in, so a slow answer that delays the
 * requests behind it is counted in theirs too (no coordinated omission). autocannon's
 * `overallRate` cannot do this: it sends each second's quota in a burst.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { percentile } from './percentile.ts';
import type { LoadResult } from './processes.ts';

export interface PacedRequest {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedLoad {
  origin: string;
  connections: number;
  seconds: number;
  /** Requests per second. */
  rate: number;
  /** The next request, built when it is sent. */
  request(): PacedRequest;
  /** Whether an answer with a 2xx status counts as a success. */
  succeeded(body: string): boolean;
}

export interface PacedResult extends LoadResult {
  /** Answers with a 2xx status that `succeeded` refused, and the first of them. */
  refused: number;
  firstRefused?: string;
  /** p99 of how late the generator sent a request after it was due, ms: its own lag. */
  sendLagP99: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function pacedLoad(spec: PacedLoad): Promise<PacedResult> {
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1 });
  const total = Math.round(spec.rate * spec.seconds);
  const interval = 1000 / spec.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let refused = 0;
  let firstRefused: string | undefined;
  const inFlight = new Set<Promise<void>>();

  const send = (due: number) => {
    lags.push(performance.now() - due);
    const { method, path, headers, body } = spec.request();
    const done = pool
      .request({ method, path, headers, ...(body === undefined ? {} : { body }) })
      .then(async ({ statusCode, body: answer }) => {
        const text = await answer.text();
        latencies.push(performance.now() - due);
        if (statusCode >= 300) non2xx++;
        else if (!spec.succeeded(text)) {
          refused++;
          firstRefused ??= text.slice(0, 500);
        }
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  const start = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    // Everything due by now goes at once: a late timer delays requests, never drops them.
    for (; i < total && start + i * interval <= now; i++) send(start + i * interval);
    if (i < total) await sleep(Math.max(0, start + i * interval - performance.now()));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  return {
    requests: { average: latencies.length / elapsed, total: latencies.length },
    latency: {
      p50: latencies.length ? round(percentile(latencies, 50)) : Number.NaN,
      p99: latencies.length ? round(percentile(latencies, 99)) : Number.NaN,
    },
    non2xx,
    errors,
    refused,
    ...(firstRefused === undefined ? {} : { firstRefused }),
    sendLagP99: lags.length ? round(percentile(lags, 99)) : 0,
  };
}

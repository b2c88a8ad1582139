import Fastify from 'fastify';
import type { OcpiAppOptions } from '../src/index.ts';
import type { ChargerGateway } from '../src/modules/commands/gateway.ts';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import { benchPair, onBothStores, percentile, putBenchLocation } from './support.ts';

const REQUESTS = 200;

/** A partner's response_url endpoint: resolves the wait for each URL when its POST arrives. */
async function responseCatcher() {
  const app = Fastify();
  const waiting = new Map<string, (at: number) => void>();
  app.post('/*', async (request) => {
    waiting.get(request.url)?.(performance.now());
    return { status_code: 1000, timestamp: new Date().toISOString() };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    base,
    /** When the POST to `path` arrives. */
    arrival: (path: string) => new Promise<number>((resolve) => waiting.set(path, resolve)),
    close: () => app.close(),
  };
}

/**
 * Charger answer → result received at the response_url, for a charging profile request
 * (PUT SetChargingProfile → ChargingProfileResult) and, beside it, a command (START_SESSION →
 * CommandResult): both through the store, the outbox and HTTP to a loopback partner endpoint,
 * one request after another.
 */
async function latencyRun(store: OcpiAppOptions['store']) {
  /** When the charger answered the request in flight (one at a time). */
  let answeredAt = 0;
  const gateway: ChargerGateway = {
    execute: (command, report) => {
      setTimeout(() => {
        answeredAt = performance.now();
        report.outcome(command.commandId, 'ACCEPTED');
      }, 5);
    },
    profile: (request, report) => {
      setTimeout(() => {
        answeredAt = performance.now();
        report.profileOutcome(request.requestId, 'ACCEPTED');
      }, 5);
    },
  };
  const catcher = await responseCatcher();
  const pair = await benchPair({
    commands: { gateway, timeoutSeconds: 3600, responseUrlPolicy: 'any' },
    chargingProfiles: { rateLimit: { requests: 1_000_000, windowSeconds: 1 } },
    ...(store ? { store } : {}),
  });
  try {
    await putBenchLocation(pair.cpo);
    const session = exampleJson('2.3.0', 'session_example_1_simple_start.json') as Record<string, unknown>;
    const cdrToken = { ...(session.cdr_token as object), country_code: 'DE', party_id: 'MSP' };
    await pair.cpo.ocpi.sessions.put(
      {
        ...session,
        country_code: 'NL',
        party_id: 'ACM',
        id: 'BENCH-S',
        status: 'ACTIVE',
        cdr_token: cdrToken,
      },
      '2.3.0',
    );
    const base = pair.cpo.ocpi.versionsUrl().replace(/versions$/, '2.2.1');
    const token = {
      ...cdrToken,
      issuer: 'bench',
      valid: true,
      whitelist: 'ALLOWED',
      last_updated: '2024-01-01T00:00:00Z',
    };
    const headers = { ...pair.emspCallsCpo, 'content-type': 'application/json' };
    const measure = async (kind: string, send: (responseUrl: string) => Promise<Response>) => {
      const delays: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const path = `/${kind}/${i}`;
        const arrived = catcher.arrival(path);
        const reply = await send(`${catcher.base}${path}`);
        if (!reply.ok) throw new Error(`${kind}: HTTP ${reply.status}`);
        const at = await arrived;
        delays.push(at - answeredAt);
      }
      return { p50: percentile(delays, 50).toFixed(1), p99: percentile(delays, 99).toFixed(1) };
    };
    const profile = await measure('profile', (responseUrl) =>
      fetch(`${base}/receiver/chargingprofiles/BENCH-S`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({
          response_url: responseUrl,
          charging_profile: {
            charging_rate_unit: 'W',
            charging_profile_period: [{ start_period: 0, limit: 6000 }],
          },
        }),
      }),
    );
    const command = await measure('command', (responseUrl) =>
      fetch(`${base}/receiver/commands/START_SESSION`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ response_url: responseUrl, token, location_id: 'BENCH' }),
      }),
    );
    return { profile, command };
  } finally {
    await Promise.all([pair.close(), catcher.close()]);
  }
}

export async function profilesBench(): Promise<string> {
  const { pglite, postgres } = await onBothStores(latencyRun);
  const row = (name: string, r: Awaited<ReturnType<typeof latencyRun>>) => [
    `| ChargingProfileResult (PUT SetChargingProfile), ${name} | ${r.profile.p50} | ${r.profile.p99} |`,
    `| CommandResult (POST START_SESSION), ${name} | ${r.command.p50} | ${r.command.p99} |`,
  ];
  return [
    '## ChargingProfiles: result latency beside commands',
    '',
    `2.2.1, one process, loopback. Charger answer → result received at the partner's response_url (settle + outbox row in one transaction, delivery worker, HTTP POST), ${REQUESTS} requests one after another, each kind.`,
    '',
    '| result | p50 ms | p99 ms |',
    '|---|---|---|',
    ...row('PGlite', pglite),
    ...row('PostgreSQL', postgres),
    '',
    "Compare the two rows of a store: the absolute figures move with the machine's load. An accepted SET writes one more row (its setter) in the transaction that settles it.",
    '',
  ].join('\n');
}

import pg from 'pg';
import { freePort, type Served, serve } from './cli.ts';
import { type ReceivedPush, startFakePartner } from './fake-partner.ts';
import { call, type Reply } from './nodes.ts';
import { freshSchema, POSTGRES_URL } from './stores.ts';

/*
 * Several `ocpi serve` processes of one CPO on one PostgreSQL schema, and eMSPs that record
 * what they are pushed: the scale-out tests (test/e2e/scale-out.test.ts).
 */

const ADMIN_TOKEN = 'scale-out-admin-token';

/** One PostgreSQL schema that every instance of the CPO shares: same partners, tokens, objects and outbox. */
export interface SharedStore {
  schema: string;
  /** How many outbox rows the process `pid` holds a live lease on now. */
  leasesOf(pid: number): Promise<number>;
  close(): Promise<void>;
}

export async function sharedStore(): Promise<SharedStore> {
  const schema = freshSchema();
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  return {
    schema,
    // Lease holders are host:pid:started:random (src/delivery/lease-holder.ts).
    async leasesOf(pid) {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from ${pg.escapeIdentifier(schema)}.ocpi_outbox
         where split_part(locked_by, ':', 2) = $1 and locked_until > now()`,
        [String(pid)],
      );
      return Number(rows[0]?.n ?? 0);
    },
    close: () => client.end(),
  };
}

/** Starts one more `ocpi serve` of the CPO NL*CPO (2.2.1) on the shared schema. */
export async function startInstance(store: SharedStore): Promise<Served> {
  const port = await freePort();
  return serve([
    ...['--database-url', POSTGRES_URL, '--database-schema', store.schema],
    ...['--port', String(port), '--public-url', `http://127.0.0.1:${port}`, '--admin-token', ADMIN_TOKEN],
    ...['--role', 'cpo', '--party', 'NL*CPO', '--versions', '2.2.1'],
  ]);
}

/** Where an instance's admin API is, as `ocpi serve` prints it. */
export type AdminApi = Pick<Served, 'adminUrl' | 'adminToken'>;

/** A call to an instance's admin API. */
export function admin(instance: AdminApi, method: string, path: string, body?: unknown): Promise<Reply> {
  return call(`${instance.adminUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${instance.adminToken}` },
    ...(body !== undefined ? { body } : {}),
  });
}

/** An admin call that must succeed; its data. */
export async function adminOk(instance: AdminApi, method: string, path: string, body?: unknown) {
  const reply = await admin(instance, method, path, body);
  if (reply.status !== 200 || reply.body.status_code !== 1000)
    throw new Error(`${method} ${path}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.data;
}

/** An eMSP the CPO registered with, whose Locations receiver records every push. */
export interface RecordingEmsp {
  partyId: string;
  pushes: ReceivedPush[];
  /** The token the CPO gave it: what it calls the CPO's OCPI API with. */
  tokenAtCpo(): string;
  /** From now on, answers pushes after `ms`. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

/**
 * Starts an eMSP (DE*`partyId`) and has `via` register with it (admin POST /partners), so
 * that every instance of the CPO pushes Locations to it. It answers pushes after `delayMs`.
 */
export async function recordingEmsp(via: AdminApi, partyId: string, delayMs = 0): Promise<RecordingEmsp> {
  const tokenA = `token-a-${partyId}`;
  const receiver = { token: `token-c-${partyId}`, delayMs };
  const fake = await startFakePartner({
    token: tokenA,
    receiver,
    credentialsAnswer: () => ({
      token: `token-c-${partyId}`,
      url: `${fake.base}/versions`,
      roles: [{ role: 'EMSP', country_code: 'DE', party_id: partyId, business_details: { name: partyId } }],
    }),
  });
  await adminOk(via, 'POST', '/partners', { versionsUrl: `${fake.base}/versions`, token: tokenA });
  return {
    partyId,
    pushes: fake.received.pushes,
    tokenAtCpo() {
      const sent = fake.received.credentials.at(-1)?.body;
      const token = typeof sent === 'object' && sent !== null ? Reflect.get(sent, 'token') : undefined;
      if (typeof token !== 'string') throw new Error(`${partyId} got no credentials`);
      return token;
    },
    setDelay(ms) {
      receiver.delayMs = ms;
    },
    close: fake.close,
  };
}

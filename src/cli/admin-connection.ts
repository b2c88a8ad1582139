import { Value } from '@sinclair/typebox/value';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { AdminReply } from './admin-replies.ts';

/** The options every command that talks to a running node's admin API takes. */
export const ADMIN_OPTIONS = {
  node: { type: 'string' },
  'admin-token': { type: 'string' },
} as const;

/** Where the node is and how to authenticate, from the options or the environment. */
export function adminConnection(values: { node?: string; 'admin-token'?: string }, env: NodeJS.ProcessEnv) {
  // The admin URL `ocpi serve` prints (…/admin), or the server it is on.
  const node = (values.node ?? env.OCPI_NODE ?? 'http://127.0.0.1:3001')
    .replace(/\/+$/, '')
    .replace(/\/admin$/, '');
  const adminToken = values['admin-token'] ?? env.OCPI_ADMIN_TOKEN;
  if (!adminToken) throw new Error('--admin-token (or OCPI_ADMIN_TOKEN) is required');
  return { node, adminToken };
}

/**
 * One call to the node's admin API; resolves to the reply's data. Anything but an OCPI 1000
 * envelope throws, saying the node's status_message and the HTTP and OCPI codes.
 */
export async function adminCall(
  node: string,
  adminToken: string,
  method: string,
  path: string,
  body?: unknown,
  query = '',
): Promise<unknown> {
  const res = await fetch(`${node.replace(/\/+$/, '')}/admin${path}${query}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    // Not JSON: not an envelope either, said just below.
  }
  if (!Value.Check(AdminReply, reply))
    throw new Error(`HTTP ${res.status} from ${node}: ${text.slice(0, 200)}`);
  if (res.status >= 300 || reply.status_code !== 1000) {
    throw new Error(`${reply.status_message ?? 'failed'} (HTTP ${res.status}, OCPI ${reply.status_code})`);
  }
  return reply.data;
}

/** POSTs to an admin route that streams NDJSON, and yields its lines as they arrive. */
export async function* streamNdjson(
  url: string,
  adminToken: string,
  body?: unknown,
): AsyncGenerator<JsonObject> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').includes('ndjson')) {
    const text = await res.text();
    let message = text.slice(0, 200);
    try {
      const reply: unknown = JSON.parse(text);
      if (isJsonObject(reply) && reply.status_message != null) message = String(reply.status_message);
    } catch {}
    throw new Error(`${message} (HTTP ${res.status})`);
  }
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const parsed: unknown = JSON.parse(line);
      if (isJsonObject(parsed)) yield parsed;
    }
  }
}

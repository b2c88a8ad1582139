import type { FastifyInstance } from 'fastify';
import { createOcpiApp, type OcpiAppOptions } from '../../src/index.ts';
import type { StoreOptions } from '../../src/store/store.ts';

/** Starts a node on a random port of 127.0.0.1. */
export async function startNode(options: OcpiAppOptions = {}): Promise<FastifyInstance> {
  const app = await createOcpiApp(options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

export function baseUrl(app: FastifyInstance): string {
  return app.ocpi.versionsUrl().replace(/\/ocpi\/versions$/, '');
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { status_code?: number; status_message?: string; data?: unknown };
}

/** A plain HTTP call, as a partner would make it. */
export async function call(
  url: string,
  init: {
    method?: string;
    token?: string;
    raw?: boolean;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined)
    headers.authorization = `Token ${init.raw ? init.token : Buffer.from(init.token).toString('base64')}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

export type { StoreOptions };

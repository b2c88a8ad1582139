import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** A request that came through the gate, and how it was answered. */
export interface Passage {
  method: string;
  path: string;
  /** The HTTP status the caller got. */
  status: number;
  body?: unknown;
}

/**
 * What the gate does with a request that matches: answer with this status, never answer,
 * or hold it until release() and then let it through (a partner that answers slowly).
 */
export type Blockade = number | 'hang' | 'hold';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A reverse proxy in front of a partner node, as the network between two nodes: it
 * records every request that reached the partner (`passed`) and can make the partner
 * look down for some requests (`refused`, answered with an HTTP status or held forever).
 * Give its URL as the partner's `publicUrl`, so that the other node calls it.
 */
export async function startGate() {
  let target = '';
  let blocked: { match: (method: string, path: string) => boolean; how: Blockade } | undefined;
  const passed: Passage[] = [];
  const refused: Passage[] = [];
  const held = new Set<ServerResponse>();
  /** Requests waiting for release(), as they arrived. */
  const holding: Array<Pick<Passage, 'method' | 'path'>> = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const text = await readBody(request);
    if (blocked?.how === 'hold' && blocked.match(method, path)) {
      holding.push({ method, path });
      await released;
    } else if (blocked && blocked.how !== 'hold' && blocked.match(method, path)) {
      if (blocked.how === 'hang') {
        refused.push({ method, path, status: 0, body: parse(text) });
        held.add(response);
        response.once('close', () => held.delete(response));
        return;
      }
      refused.push({ method, path, status: blocked.how, body: parse(text) });
      response.writeHead(blocked.how, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status_code: 3000, status_message: 'the gate is closed' }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
    const reply = await fetch(`${target}${path}`, {
      method,
      headers,
      ...(text && method !== 'GET' && method !== 'HEAD' ? { body: text } : {}),
    });
    const answer = await reply.text();
    passed.push({ method, path, status: reply.status, body: parse(text) });
    const out: Record<string, string> = {};
    reply.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') out[name] = value;
    });
    response.writeHead(reply.status, out);
    response.end(answer);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: Error) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`gate: ${err.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    passed,
    refused,
    holding,
    /** Lets the held requests through (and later ones that match 'hold' too). */
    release(): void {
      release();
    },
    /** Where requests go: the partner's own base URL. */
    forwardTo(base: string): void {
      target = base.replace(/\/+$/, '');
    },
    /** From now on, requests that match are refused `how`; the others pass. */
    block(match: (method: string, path: string) => boolean, how: Blockade): void {
      blocked = { match, how };
    },
    /** Lets everything through again; requests held so far stay unanswered until their caller gives up. */
    open(): void {
      blocked = undefined;
    },
    close(): Promise<void> {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type Gate = Awaited<ReturnType<typeof startGate>>;

import { parseArgs } from 'node:util';
import type { Partner } from '../partners/types.ts';

interface AdminReply {
  status_code: number;
  status_message?: string;
  data?: unknown;
}

async function adminCall(
  node: string,
  adminToken: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${node.replace(/\/+$/, '')}/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let reply: AdminReply;
  try {
    reply = JSON.parse(text) as AdminReply;
  } catch {
    throw new Error(`HTTP ${res.status} from ${node}: ${text.slice(0, 200)}`);
  }
  if (res.status >= 300 || reply.status_code !== 1000) {
    throw new Error(`${reply.status_message ?? 'failed'} (HTTP ${res.status}, OCPI ${reply.status_code})`);
  }
  return reply.data;
}

function describePartner(p: Partner): string {
  const parties = p.parties.map((r) => `${r.countryCode}*${r.partyId} ${r.role}`).join(', ') || '-';
  return `${p.id}  ${p.status.padEnd(10)}  ${p.version.padEnd(6)}  ${parties}  ${p.versionsUrl}`;
}

/** The commands that talk to a running node's admin API. */
export async function adminCommand(command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      node: { type: 'string' },
      'admin-token': { type: 'string' },
      label: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const node = values.node ?? env.OCPI_NODE ?? 'http://127.0.0.1:3000';
  const adminToken = values['admin-token'] ?? env.OCPI_ADMIN_TOKEN;
  if (!adminToken) throw new Error('--admin-token (or OCPI_ADMIN_TOKEN) is required');
  const print = (data: unknown, text: string) =>
    process.stdout.write(`${values.json ? JSON.stringify(data, null, 2) : text}\n`);
  const arg = (i: number, name: string): string => {
    const value = positionals[i];
    if (value === undefined) throw new Error(`missing <${name}>`);
    return value;
  };

  switch (command) {
    case 'register': {
      const partner = (await adminCall(node, adminToken, 'POST', '/partners', {
        versionsUrl: arg(0, 'partner-versions-url'),
        token: arg(1, 'token-a'),
      })) as Partner;
      print(partner, `registered: ${describePartner(partner)}`);
      return 0;
    }
    case 'partners': {
      const partners = (await adminCall(node, adminToken, 'GET', '/partners')) as Partner[];
      print(partners, partners.length === 0 ? 'no partners' : partners.map(describePartner).join('\n'));
      return 0;
    }
    case 'rotate': {
      const partner = (await adminCall(
        node,
        adminToken,
        'POST',
        `/partners/${encodeURIComponent(arg(0, 'partner-id'))}/update`,
      )) as Partner;
      print(partner, `credentials rotated: ${describePartner(partner)}`);
      return 0;
    }
    case 'unregister': {
      const result = (await adminCall(
        node,
        adminToken,
        'DELETE',
        `/partners/${encodeURIComponent(arg(0, 'partner-id'))}`,
      )) as { remote: string; message?: string };
      print(
        result,
        result.remote === 'unregistered'
          ? 'unregistered'
          : `removed locally; the partner did not confirm: ${result.message ?? ''}`,
      );
      return 0;
    }
    default: {
      const created = (await adminCall(
        node,
        adminToken,
        'POST',
        '/registration-tokens',
        values.label ? { label: values.label } : {},
      )) as { token: string; versionsUrl: string };
      print(created, `token A: ${created.token}\nversions URL: ${created.versionsUrl}`);
      return 0;
    }
  }
}

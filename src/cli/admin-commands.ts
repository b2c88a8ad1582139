import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ADMIN_OPTIONS, adminConnection, streamNdjson } from './admin-connection.ts';
import {
  AdminReply,
  DeadLetterReply,
  LoadReply,
  PartnerReply,
  PullProgressReply,
  RegistrationTokenReply,
  ReplayReply,
  readReply,
  UnregisterReply,
} from './admin-replies.ts';

async function adminCall(
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

function describePartner(p: PartnerReply): string {
  const parties = p.parties.map((r) => `${r.countryCode}*${r.partyId} ${r.role}`).join(', ') || '-';
  return `${p.id}  ${p.status.padEnd(10)}  ${p.version.padEnd(6)}  ${parties}  ${p.versionsUrl}`;
}

/** Runs a sync, drawing a progress bar from the NDJSON lines the node streams. */
async function syncWithProgress(url: string, adminToken: string): Promise<PullProgressReply> {
  for await (const line of streamNdjson(url, adminToken)) {
    if (line.error) throw new Error(String(line.error));
    if (line.done) return readReply(PullProgressReply, line.done, 'the sync');
    if (line.progress)
      process.stderr.write(`\r${progressBar(readReply(PullProgressReply, line.progress, 'the sync'))}`);
  }
  throw new Error('the node ended the sync without a result');
}

function progressBar(p: PullProgressReply): string {
  const width = 30;
  const share = p.total ? Math.min(1, p.received / p.total) : 0;
  const filled = Math.round(share * width);
  const of = p.total !== undefined ? `/${p.total}` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.received}${of} objects, page ${p.pages}`;
}

/** The commands that talk to a running node's admin API. */
export async function adminCommand(command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...ADMIN_OPTIONS,
      label: { type: 'string' },
      json: { type: 'boolean' },
      version: { type: 'string' },
      replay: { type: 'string' },
      'replay-all': { type: 'boolean' },
      'date-from': { type: 'string' },
    },
  });
  const { node, adminToken } = adminConnection(values, env);
  const print = (data: unknown, text: string) =>
    process.stdout.write(`${values.json ? JSON.stringify(data, null, 2) : text}\n`);
  const arg = (i: number, name: string): string => {
    const value = positionals[i];
    if (value === undefined) throw new Error(`missing <${name}>`);
    return value;
  };

  switch (command) {
    case 'register': {
      const partner = readReply(
        PartnerReply,
        await adminCall(node, adminToken, 'POST', '/partners', {
          versionsUrl: arg(0, 'partner-versions-url'),
          token: arg(1, 'token-a'),
        }),
        'the registration',
      );
      print(partner, `registered: ${describePartner(partner)}`);
      return 0;
    }
    case 'partners': {
      const partners = readReply(
        Type.Array(PartnerReply),
        await adminCall(node, adminToken, 'GET', '/partners'),
        'the partners list',
      );
      print(partners, partners.length === 0 ? 'no partners' : partners.map(describePartner).join('\n'));
      return 0;
    }
    case 'rotate': {
      const partner = readReply(
        PartnerReply,
        await adminCall(
          node,
          adminToken,
          'POST',
          `/partners/${encodeURIComponent(arg(0, 'partner-id'))}/update`,
        ),
        'the rotation',
      );
      print(partner, `credentials rotated: ${describePartner(partner)}`);
      return 0;
    }
    case 'unregister': {
      const result = readReply(
        UnregisterReply,
        await adminCall(node, adminToken, 'DELETE', `/partners/${encodeURIComponent(arg(0, 'partner-id'))}`),
        'the unregistration',
      );
      print(
        result,
        result.remote === 'unregistered'
          ? 'unregistered'
          : `removed locally; the partner did not confirm: ${result.message ?? ''}`,
      );
      return 0;
    }
    case 'load': {
      const module = arg(0, 'locations|tariffs|tokens');
      const objects: unknown = JSON.parse(await readFile(arg(1, 'file.json'), 'utf8'));
      const query = values.version ? `?version=${encodeURIComponent(values.version)}` : '';
      const result = readReply(
        LoadReply,
        await adminCall(node, adminToken, 'PUT', `/objects/${encodeURIComponent(module)}`, objects, query),
        'the load',
      );
      print(result, `loaded ${result.loaded} ${module}; pushed to every partner that receives them`);
      return 0;
    }
    case 'sync': {
      const [partner, module] = [arg(0, 'partner-id'), arg(1, 'locations|tariffs|tokens')];
      const query = values['date-from'] ? `?date_from=${encodeURIComponent(values['date-from'])}` : '';
      const result = await syncWithProgress(
        `${node}/admin/partners/${encodeURIComponent(partner)}/sync/${encodeURIComponent(module)}${query}`,
        adminToken,
      );
      print(
        result,
        `\nsynced ${module}: ${result.received} received in ${result.pages} pages, ${result.skipped} invalid skipped`,
      );
      return 0;
    }
    case 'dead-letters': {
      if (values.replay) {
        print(
          await adminCall(
            node,
            adminToken,
            'POST',
            `/dead-letters/${encodeURIComponent(values.replay)}/replay`,
          ),
          `replayed ${values.replay}`,
        );
        return 0;
      }
      if (values['replay-all']) {
        const result = readReply(
          ReplayReply,
          await adminCall(node, adminToken, 'POST', '/dead-letters/replay'),
          'the replay',
        );
        print(result, `replayed ${result.replayed}`);
        return 0;
      }
      const letters = readReply(
        Type.Array(DeadLetterReply),
        await adminCall(node, adminToken, 'GET', '/dead-letters'),
        'the dead letters list',
      );
      print(
        letters,
        letters.length === 0
          ? 'no dead letters'
          : letters
              .map((d) => `${d.id}  ${d.method} ${d.url}  ${d.attempts} attempts  ${d.lastError ?? ''}`)
              .join('\n'),
      );
      return 0;
    }
    default: {
      const created = readReply(
        RegistrationTokenReply,
        await adminCall(
          node,
          adminToken,
          'POST',
          '/registration-tokens',
          values.label ? { label: values.label } : {},
        ),
        'the registration token',
      );
      print(created, `token A: ${created.token}\nversions URL: ${created.versionsUrl}`);
      return 0;
    }
  }
}

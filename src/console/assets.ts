import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where `npm run build` writes the page: dist/console-ui/. Named from the package root so
 * that it is found from src/console/ (tests, tsx) and from dist/console/ (the package) alike.
 */
export const BUILT_ASSETS_DIR = fileURLToPath(new URL('../../dist/console-ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesBelow(path) : [path];
  });
}

/**
 * The built page, read into memory once (a few hundred KiB): only these files are served,
 * by exact name, so no request can reach anything else of the disk.
 */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return assets;
  for (const file of filesBelow(dir)) {
    const type = TYPES[extname(file)];
    if (!type) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(relative(dir, file).split(sep).join('/'), { body, type, etag });
  }
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  // Revalidated each time: an upgraded node serves its new page at once.
  reply.header('cache-control', 'no-cache').header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

/** GET /console (the page) and /console/<file>; a friendly 503 when the page was not built. */
export function assetRoutes(scope: FastifyInstance, assets: Map<string, Asset>): void {
  const config = { ocpiAuth: 'none' as const };
  const page = (request: FastifyRequest, reply: FastifyReply) => {
    const index = assets.get('index.html');
    if (index) return send(request, reply, index);
    return reply
      .code(503)
      .type('text/plain; charset=utf-8')
      .send('The console is not built: run `npm run build` (it writes dist/console-ui/).\n');
  };
  scope.get('/', { config }, page);
  const params = Type.Object({ '*': Type.String() });
  scope
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/*', { config, schema: { params } }, async (request, reply) => {
      const asset = assets.get(request.params['*']);
      if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
      return send(request, reply, asset);
    });
}

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { schemaOf } from '../../model/objects.ts';
import { compareVersions, hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import { JSON_CONTENT_TYPE, successJson } from '../../transport/envelope.ts';
import { enveloped } from '../../transport/route-schemas.ts';

/** Endpoints of a version as its details list them (2.1.1: no role). */
export function versionEndpoints(node: OcpiNode, version: OcpiVersion) {
  const base = versionUrl(node, version);
  const withRoles = hasInterfaceRoles(version);
  return node.modules
    .filter((m) => m.versions.includes(version))
    .flatMap((m) => m.endpoints(version, node))
    .map((e) =>
      withRoles
        ? { identifier: e.identifier, role: e.role, url: `${base}/${e.path}` }
        : { identifier: e.identifier, url: `${base}/${e.path}` },
    );
}

/**
 * GET /versions and GET /{version}: what we speak and where. The answers are JSON text
 * built once per public URL; the response schemas document them.
 */
export function versionsRoutes(app: FastifyInstance, node: OcpiNode) {
  const config = { ocpiAuth: 'handshake' as const };
  const versions = serializedPerUrl(node, () =>
    node.versions.map((version) => ({ version, url: versionUrl(node, version) })),
  );
  // The Version object is the same in every version: the newest one's documents the list.
  const newest = [...node.versions].sort(compareVersions).at(-1) ?? '2.3.0';
  const versionsSchema = {
    response: { 200: enveloped(Type.Array(schemaOf(newest, 'Version'))) },
    openapi: { operationId: 'getVersions', summary: 'The OCPI versions this node speaks', tag: 'versions' },
  };
  app.get('/versions', { config, schema: versionsSchema }, async (_request, reply) =>
    reply.type(JSON_CONTENT_TYPE).send(successJson(versions(), node.clock)),
  );
  for (const version of node.versions) {
    const details = serializedPerUrl(node, () => ({ version, endpoints: versionEndpoints(node, version) }));
    const schema = {
      response: { 200: enveloped(schemaOf(version, 'VersionDetails')) },
      openapi: {
        operationId: 'getVersionDetails',
        summary: `The endpoints of OCPI ${version}`,
        tag: 'versions',
      },
    };
    app.get(`/${version}`, { config, schema }, async (_request, reply) =>
      reply.type(JSON_CONTENT_TYPE).send(successJson(details(), node.clock)),
    );
  }
}

/** JSON text of `build()`, built again only when the node's public URL changes (it is set on listen). */
function serializedPerUrl(node: OcpiNode, build: () => unknown): () => string {
  let url: string | undefined;
  let text = '';
  return () => {
    const now = node.publicUrl();
    if (now !== url) {
      url = now;
      text = JSON.stringify(build());
    }
    return text;
  };
}

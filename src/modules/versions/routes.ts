import type { FastifyInstance } from 'fastify';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';

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

/** GET /versions and GET /{version}: what we speak and where. */
export function versionsRoutes(app: FastifyInstance, node: OcpiNode) {
  const config = { ocpiAuth: 'handshake' as const };
  app.get('/versions', { config }, async () =>
    envelope(node.versions.map((version) => ({ version, url: versionUrl(node, version) }))),
  );
  for (const version of node.versions) {
    // The public URL is fixed once the node listens, so the list is built once.
    let endpoints: ReturnType<typeof versionEndpoints> | undefined;
    app.get(`/${version}`, { config }, async () => {
      endpoints ??= versionEndpoints(node, version);
      return envelope({ version, endpoints });
    });
  }
}

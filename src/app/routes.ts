import type { FastifyInstance } from 'fastify';
import { versionsRoutes } from '../modules/versions/routes.ts';
import type { OcpiNode } from '../node.ts';
import { RoutedAuthenticator } from '../partners/attribution.ts';
import { ocpiTransport } from '../transport/plugin.ts';

/** The OCPI endpoints under the node's base path: the versions, then each version's modules. */
export async function mountOcpiRoutes(app: FastifyInstance, node: OcpiNode): Promise<void> {
  await app.register(
    async (scope) => {
      await ocpiTransport(scope, { authenticator: new RoutedAuthenticator(node), clock: node.clock });
      versionsRoutes(scope, node);
      for (const version of node.versions) {
        await scope.register(
          async (versionScope) => {
            for (const m of node.modules)
              if (m.versions.includes(version)) await m.routes(versionScope, version, node);
          },
          { prefix: `/${version}` },
        );
      }
    },
    { prefix: node.basePath },
  );
}

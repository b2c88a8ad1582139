import type { FastifyInstance } from 'fastify';
import {
  compareVersions,
  hasInterfaceRoles,
  type OcpiVersion,
  SUPPORTED_VERSIONS,
} from '../../model/versions.ts';
import type { ModuleEndpoint, OcpiModule } from '../../node.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import type { OwnRole } from '../../partners/types.ts';
import { receivedContext } from './parties.ts';
import { receiverRoutes } from './receiver.ts';
import { RenderedReads } from './rendered-reads.ts';
import { senderRoutes } from './sender.ts';
import { StoreObjectService } from './service.ts';
import { endpointModuleOf, type ObjectModuleSpec } from './spec.ts';

function playsRole(node: OcpiNode, version: OcpiVersion, roles: OwnRole[]): boolean {
  return node.parties.some(
    (p) => roles.includes(p.role) && (p.role !== 'PTP' || compareVersions(version, '2.3.0') >= 0),
  );
}

/** Which interfaces of a module this node offers in a version, given its own roles. */
function interfaces(spec: ObjectModuleSpec, version: OcpiVersion, node: OcpiNode): ModuleEndpoint[] {
  const sender = playsRole(node, version, [spec.ownerRole]);
  const receiver = playsRole(node, version, spec.receiverRoles);
  const endpoints: ModuleEndpoint[] = [];
  if (sender) endpoints.push({ identifier: spec.id, role: 'SENDER', path: `sender/${spec.id}` });
  if (receiver) endpoints.push({ identifier: spec.id, role: 'RECEIVER', path: `receiver/${spec.id}` });
  // 2.1.1 has no interface roles: one endpoint per module, the one of the node's main role.
  if (!hasInterfaceRoles(version) && endpoints.length > 1) {
    const main = node.parties[0]?.role;
    return endpoints.filter((e) => (e.role === 'SENDER') === (main === spec.ownerRole));
  }
  return endpoints;
}

/** A module of client-owned objects, mounted as sender and/or receiver by the node's roles. */
export function objectModule(
  spec: ObjectModuleSpec,
  extraRoutes?: (app: FastifyInstance, version: OcpiVersion, node: OcpiNode) => void,
): OcpiModule {
  return {
    id: spec.id,
    versions: SUPPORTED_VERSIONS,
    endpoints: (version, node) => interfaces(spec, version, node),
    async routes(app, version, node) {
      const service = node.services[spec.id];
      const offered = interfaces(spec, version, node);
      const lookup = spec.renderContext;
      // What rendering needs beyond the object may change without it: such modules render each time.
      const rendered =
        service instanceof StoreObjectService && !lookup
          ? new RenderedReads(service, spec, version)
          : undefined;
      if (offered.some((e) => e.role === 'SENDER')) {
        await app.register(
          async (scope) => {
            senderRoutes(scope, version, spec, service, {
              endpointUrl: () => `${versionUrl(node, version)}/sender/${spec.id}`,
              paging: node.paging,
              clock: node.clock,
              ...(lookup ? { renderContext: (objects) => lookup(node, version, objects) } : {}),
              ...(rendered ? { rendered } : {}),
            });
            extraRoutes?.(scope, version, node);
          },
          { prefix: `/sender/${spec.id}` },
        );
      }
      if (offered.some((e) => e.role === 'RECEIVER')) {
        await app.register(async (scope) => objectReceiverRoutes(scope, version, spec, node), {
          prefix: `/receiver/${spec.id}`,
        });
      }
    },
  };
}

/**
 * The receiver routes of a module of client-owned objects, in a scope the caller prefixed
 * with the receiver endpoint (for modules that mount the kit inside their own endpoint, as
 * Bookings does for BookingLocations and Bookings). Every stored write emits 'received'.
 */
export function objectReceiverRoutes(
  scope: FastifyInstance,
  version: OcpiVersion,
  spec: ObjectModuleSpec,
  node: OcpiNode,
): void {
  receiverRoutes(scope, version, spec, node.services[spec.id], {
    endpointUrl: () => `${versionUrl(node, version)}/receiver/${endpointModuleOf(spec)}`,
    context: receivedContext(spec, version, node.parties),
    clock: node.clock,
    onReceived: (partnerId, object) => node.events.emit('received', { module: spec.id, partnerId, object }),
  });
}

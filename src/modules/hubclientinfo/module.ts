import type { OcpiModule } from '../../node.ts';
import { hubClientInfoRoutes } from './receiver.ts';

/**
 * HubClientInfo (2.2.1 and 2.3.0; 2.1.1 has no hubs): a configuration module between a hub
 * and the parties connected to it. Every node offers the receiver interface, whatever its
 * own roles, so that a hub can tell it which parties are reachable and whether they are
 * connected. The hub's sender interface is pulled with syncHubClients() (client.ts).
 */
export const hubClientInfoModule: OcpiModule = {
  id: 'hubclientinfo',
  versions: ['2.2.1', '2.3.0'],
  endpoints: () => [{ identifier: 'hubclientinfo', role: 'RECEIVER', path: 'receiver/hubclientinfo' }],
  async routes(app, version, node) {
    await app.register(async (scope) => hubClientInfoRoutes(scope, version, node), {
      prefix: '/receiver/hubclientinfo',
    });
  },
};

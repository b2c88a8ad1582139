import { compareVersions, SUPPORTED_VERSIONS } from '../../model/versions.ts';
import type { ModuleEndpoint, OcpiModule } from '../../node.ts';
import type { EmspCommands } from './emsp-commands.ts';
import { EvseIdAlias } from './evse-id-alias.ts';
import { type CommandReceiverParts, commandReceiverRoutes } from './receiver.ts';

/**
 * Commands: a CPO node offers the receiver (the commands themselves); an eMSP (and from
 * 2.3.0 a PTP) node offers the sender, which only takes the asynchronous results.
 */
export function commandsModule(cpo: Omit<CommandReceiverParts, 'alias'>, emsp: EmspCommands): OcpiModule {
  // One per node: a partner's deviation is noted once, whatever version it speaks.
  const receiver: CommandReceiverParts = { ...cpo, alias: new EvseIdAlias() };
  const roles = (version: string, node: Parameters<OcpiModule['endpoints']>[1]) => {
    const has = (role: string) => node.parties.some((p) => p.role === role);
    return {
      receiver: has('CPO'),
      sender: has('EMSP') || (has('PTP') && compareVersions(version, '2.3.0') >= 0),
    };
  };
  return {
    id: 'commands',
    versions: SUPPORTED_VERSIONS,
    endpoints(version, node) {
      const r = roles(version, node);
      const list: ModuleEndpoint[] = [];
      if (r.receiver) list.push({ identifier: 'commands', role: 'RECEIVER', path: 'receiver/commands' });
      if (r.sender) list.push({ identifier: 'commands', role: 'SENDER', path: 'sender/commands' });
      // 2.1.1: one endpoint per module, the one of the node's main role.
      if (version === '2.1.1' && list.length > 1)
        return list.filter((e) => (e.role === 'RECEIVER') === (node.parties[0]?.role === 'CPO'));
      return list;
    },
    async routes(app, version, node) {
      const r = roles(version, node);
      if (r.receiver)
        await app.register(async (scope) => commandReceiverRoutes(scope, version, node, receiver), {
          prefix: '/receiver/commands',
        });
      if (r.sender)
        await app.register(async (scope) => emsp.routes(scope, version), { prefix: '/sender/commands' });
    },
  };
}

import { CpoCommands } from '../modules/commands/cpo-commands.ts';
import type { CommandDecider } from '../modules/commands/decide.ts';
import { DEFAULT_DECIDE_BUDGET_MS, Decisions } from '../modules/commands/decisions.ts';
import { EmspCommands } from '../modules/commands/emsp-commands.ts';
import type { ChargerGateway } from '../modules/commands/gateway.ts';
import { commandsModule } from '../modules/commands/module.ts';
import { DEFAULT_RESULT_BACKLOG } from '../modules/commands/result-backlog.ts';
import { SessionTracker } from '../modules/commands/session-tracker.ts';
import type { OcpiModule, OcpiNode } from '../node.ts';
import type { Publishers } from './modules.ts';
import type { OcpiAppOptions } from './options.ts';

/** Without a gateway, accepted commands are answered NOT_SUPPORTED by the "charger". */
const unconnectedGateway: ChargerGateway = {
  execute: (command, report) =>
    report.outcome(command.commandId, 'NOT_SUPPORTED', 'no charger gateway is configured'),
};

/** Both sides of the Commands module, and the module that mounts them. */
export interface Commands {
  cpo: CpoCommands;
  emsp: EmspCommands;
  module: OcpiModule;
  /** The charger gateway, shared with ChargingProfiles. */
  gateway: ChargerGateway;
}

/**
 * The Commands module: the CPO side, whose started sessions become our Sessions and CDRs
 * through the publishers (waking the delivery worker after each write), and the eMSP side.
 */
export function wireCommands(
  node: OcpiNode,
  options: OcpiAppOptions['commands'],
  publishers: Publishers,
  wake: () => void,
  /** Deciders of the node's own that run before the user's (the OCPP bridge's). */
  builtInDeciders: CommandDecider[] = [],
): Commands {
  const tracker = new SessionTracker(node, {
    putSession: (session) => publishers.sessions.stagePut(session, '2.3.0'),
    patchSession: (ref, fields) => publishers.sessions.stagePatch(ref, [], fields),
    postCdr: (cdr) => publishers.cdrs.stagePost(cdr, '2.3.0'),
    committed: wake,
  });
  const gateway = options?.gateway ?? unconnectedGateway;
  const cpo = new CpoCommands(node, {
    gateway,
    timeoutSeconds: options?.timeoutSeconds ?? 30,
    wake,
    resultBacklog: { ...DEFAULT_RESULT_BACKLOG, ...options?.resultBacklog },
    sessions: tracker,
  });
  const emsp = new EmspCommands(node, {
    graceSeconds: options?.graceSeconds ?? 5,
    defaultTimeoutSeconds: 30,
  });
  const deciders = [...builtInDeciders, ...(options?.decide ? [options.decide] : [])];
  const decisions = new Decisions(deciders, options?.decideBudgetMs ?? DEFAULT_DECIDE_BUDGET_MS, node.clock);
  const module = commandsModule(
    { commands: cpo, decisions, policy: options?.responseUrlPolicy ?? 'partner-hosts' },
    emsp,
  );
  return { cpo, emsp, module, gateway };
}

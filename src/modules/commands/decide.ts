import { type Static, Type } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.ts';
import { Enum, Int, Obj, Opt } from '../../model/primitives.ts';
import { DisplayText } from '../../model/v230/common.ts';
import type { Connector, EVSE, Location } from '../../model/v230/locations.ts';
import type { Session } from '../../model/v230/sessions.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { Partner } from '../../partners/types.ts';
import { ChargerOutcome } from './gateway.ts';
import type { CommandName } from './names.ts';
import type { CommandRequests } from './schema.ts';

/** The longest `timeout` a decision may announce, in seconds (an hour). */
export const MAX_DECIDED_TIMEOUT_SECONDS = 3600;

const Timeout = Int({
  minimum: 1,
  maximum: MAX_DECIDED_TIMEOUT_SECONDS,
  description: 'Seconds announced in CommandResponse.timeout, and how long the CPO waits for the charger',
});
const Message = Type.Union([Type.String({ minLength: 1, maxLength: 512 }), Type.Array(DisplayText)], {
  description: 'CommandResponse.message: a text (sent in English) or DisplayTexts',
});

/** A decision that lets the command through: to the charger gateway, or settled at once with `outcome`. */
export const AcceptedDecision = Obj({
  result: Type.Literal('ACCEPTED'),
  timeout: Opt(Timeout),
  message: Opt(Message),
  /**
   * The result is known already (your system knows the EVSE is occupied, say): the command is
   * answered ACCEPTED and this CommandResult follows at once, without asking the charger.
   */
  outcome: Opt(ChargerOutcome),
});

/** The CommandResponseTypes other than ACCEPTED, the same in 2.1.1, 2.2.1 and 2.3.0. */
export const RefusedResult = Enum(['NOT_SUPPORTED', 'REJECTED', 'UNKNOWN_SESSION'] as const);

/** A decision that answers the command without sending it to the charger. */
export const RefusedDecision = Obj({
  result: RefusedResult,
  timeout: Opt(Timeout),
  message: Opt(Message),
  /** A refused command has no result to follow. */
  outcome: Opt(Type.Never()),
});

/**
 * What `commands.decide` answers: the CommandResponse's `result` (a CommandResponseType), its
 * `timeout` in seconds (default `commands.timeoutSeconds`) and an optional `message`.
 */
export const CommandDecision = Type.Union([AcceptedDecision, RefusedDecision]);
export type CommandDecision = Static<typeof CommandDecision>;

/**
 * A command as `decide` sees it, one shape per command name: its request in the canonical
 * (2.3.0) shape, whatever the version it arrived in, and that version.
 */
export type IncomingCommand = {
  [K in CommandName]: { command: K; request: CommandRequests[K]; version: OcpiVersion };
}[CommandName];

/** What `decide` knows beside the command: who sent it, what the checks found, the node's time and log. */
export interface CommandContext {
  /** The eMSP that sent it (through a hub: the hub, seen as the party behind it). */
  partner: Partner;
  /** The Location the command names (START_SESSION, RESERVE_NOW, UNLOCK_CONNECTOR). */
  location?: Location;
  /** The EVSE it names, when it names one. */
  evse?: EVSE;
  /** The Connector it names, when it names one. */
  connector?: Connector;
  /** STOP_SESSION: the Session to stop. */
  session?: Session;
  /** The node's clock: use it rather than Date.now(), so that tests can move time. */
  clock: Clock;
  /** The request's logger (its lines carry the request id). */
  log: FastifyBaseLogger;
  /** Aborted when the decision budget runs out: the answer will not be used any more. */
  signal: AbortSignal;
}

/**
 * Decides the synchronous CommandResponse of a command that passed the built-in checks (the
 * CPO side). Only ACCEPTED commands go on to the charger gateway. A decider that throws,
 * answers something that is not a CommandDecision, or takes longer than
 * `commands.decideBudgetMs` makes the answer REJECTED, and the reason is logged.
 */
export type CommandDecider = (
  command: IncomingCommand,
  context: CommandContext,
) => CommandDecision | Promise<CommandDecision>;

/** A message as DisplayTexts: a plain text is English; none or empty is undefined. */
export function displayTextsOf(message: string | DisplayText[] | undefined): DisplayText[] | undefined {
  if (message === undefined || message.length === 0) return undefined;
  return typeof message === 'string' ? [{ language: 'en', text: message }] : message;
}

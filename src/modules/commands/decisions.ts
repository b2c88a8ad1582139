import type { Clock, ClockTimer } from '../../clock.ts';
import { compileValidator, describeIssues, type ParseResult } from '../../model/validate.ts';
import {
  AcceptedDecision,
  type CommandContext,
  type CommandDecider,
  type CommandDecision,
  type IncomingCommand,
  RefusedDecision,
} from './decide.ts';
import { fieldOf } from './schema.ts';

/**
 * How long the deciders together may take (default 2 s). The eMSP waits for the answer on an
 * open HTTP call: its client gives the call some seconds in all (ours 10 s, hubs forwarding it
 * often less), and the checks and the insert of the command come on top. Work that needs
 * longer belongs after ACCEPTED, in the charger gateway, whose result may take `timeout`.
 */
export const DEFAULT_DECIDE_BUDGET_MS = 2000;

/** What the eMSP is told when a decider failed: the reason stays in our log. */
const UNDECIDED = 'the command could not be decided';

const checkAccepted = compileValidator(AcceptedDecision);
const checkRefused = compileValidator(RefusedDecision);

/** A decider's answer, checked: an ACCEPTED one against its shape, anything else as a refusal (which names a wrong result). */
function checkDecision(value: unknown): ParseResult<CommandDecision> {
  return fieldOf(value, 'result') === 'ACCEPTED' ? checkAccepted(value) : checkRefused(value);
}

/**
 * Runs the deciders of a command in turn, within one budget: the first that does not accept
 * answers; when all accept, their fields merge (a later one's win). A decider that throws or
 * answers no CommandDecision, or a budget that runs out, answers REJECTED; the reason is
 * logged, and an answer that comes after the budget is logged and ignored.
 */
export class Decisions {
  constructor(
    private readonly deciders: readonly CommandDecider[],
    private readonly budgetMs: number,
    private readonly clock: Clock,
  ) {}

  /** Whether there is anything to decide: without deciders every command is ACCEPTED as the checks left it. */
  get any(): boolean {
    return this.deciders.length > 0;
  }

  async decide(command: IncomingCommand, context: Omit<CommandContext, 'signal'>): Promise<CommandDecision> {
    const controller = new AbortController();
    const decided = this.chain(command, { ...context, signal: controller.signal });
    let timer: ClockTimer | undefined;
    const expired = new Promise<undefined>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(undefined), this.budgetMs).unref();
    });
    try {
      const decision = await Promise.race([decided, expired]);
      if (decision) return decision;
    } finally {
      timer?.cancel();
    }
    controller.abort();
    const log = context.log.child({ command: command.command, partner: context.partner.id });
    log.error(
      { budgetMs: this.budgetMs },
      'commands.decide did not answer within its budget; answered REJECTED',
    );
    void decided.then((late) =>
      log.warn({ result: late.result }, 'commands.decide answered after its budget; its answer was ignored'),
    );
    return { result: 'REJECTED', message: UNDECIDED };
  }

  private async chain(command: IncomingCommand, context: CommandContext): Promise<CommandDecision> {
    let merged: CommandDecision = { result: 'ACCEPTED' };
    for (const decider of this.deciders) {
      const decision = await this.ask(decider, command, context);
      if (decision.result !== 'ACCEPTED') return decision;
      merged = { ...merged, ...decision };
    }
    return merged;
  }

  private async ask(
    decider: CommandDecider,
    command: IncomingCommand,
    context: CommandContext,
  ): Promise<CommandDecision> {
    const log = context.log.child({ command: command.command, partner: context.partner.id });
    let answer: unknown;
    try {
      answer = await decider(command, context);
    } catch (err) {
      log.error({ err }, 'commands.decide threw; answered REJECTED');
      return { result: 'REJECTED', message: UNDECIDED };
    }
    const checked = checkDecision(answer);
    if (checked.ok) return checked.value;
    log.error(
      { decision: answer },
      `commands.decide answered no CommandDecision (${describeIssues(checked.errors)}); answered REJECTED`,
    );
    return { result: 'REJECTED', message: UNDECIDED };
  }
}

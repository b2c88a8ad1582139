import { describe, expectTypeOf, it } from 'vitest';
import type { CommandDecider, CommandDecision, v230 } from '../../src/index.ts';
import type { ChargerCommand, ChargerGateway, ChargerOutcome } from '../../src/modules/commands/gateway.ts';
import type { TypedCommands } from '../../src/modules/commands/typed-client.ts';

type StartSessionCommand = Extract<ChargerCommand, { type: 'START_SESSION' }>;

// Checked by the typecheck (tsc includes test/): a wrong field is a compile error.
describe('the commands API types', () => {
  it('hands a gateway the Token of the 2.3.0 schema and takes CommandResultTypes back', () => {
    expectTypeOf<StartSessionCommand['token']>().toEqualTypeOf<v230.tokens.Token>();
    expectTypeOf<
      Extract<ChargerCommand, { type: 'RESERVE_NOW' }>['token']
    >().toEqualTypeOf<v230.tokens.Token>();
    expectTypeOf<ChargerOutcome>().toMatchTypeOf<v230.commands.CommandResultType>();
    const gateway: ChargerGateway = {
      execute(command, report) {
        if (command.type !== 'START_SESSION') return;
        const contract: string = command.token.contract_id;
        // @ts-expect-error a Token has no such field
        const wrong = command.token.contract;
        // @ts-expect-error TIMEOUT is the node's to send, not the charger's
        report.outcome(command.commandId, 'TIMEOUT');
        void [contract, wrong];
      },
    };
    expectTypeOf(gateway.execute).toBeFunction();
  });

  it('types the request of each command an eMSP sends', () => {
    type Start = Parameters<TypedCommands['startSession']>[1];
    expectTypeOf<Start['token']>().toEqualTypeOf<v230.tokens.Token>();
    expectTypeOf<Start>().not.toHaveProperty('response_url');
    expectTypeOf<Parameters<TypedCommands['stopSession']>[1]>().toEqualTypeOf<{ session_id: string }>();
  });

  it('types decide per command, and its answer as a CommandResponseType with an optional outcome', () => {
    expectTypeOf<ChargerOutcome>().toEqualTypeOf<
      Exclude<v230.commands.CommandResultType, 'TIMEOUT' | 'CANCELED_RESERVATION'>
    >();
    const decide: CommandDecider = (command, context) => {
      if (command.command === 'START_SESSION') {
        const uid: string = command.request.token.uid;
        void uid;
      }
      if (command.command === 'STOP_SESSION') {
        // @ts-expect-error a StopSession carries no token
        void command.request.token;
      }
      if (context.evse?.status === 'CHARGING') return { result: 'ACCEPTED', outcome: 'EVSE_OCCUPIED' };
      return { result: 'REJECTED', timeout: 10, message: 'the contract is blocked' };
    };
    // @ts-expect-error EVSE_OCCUPIED is a CommandResultType, not a CommandResponseType
    const occupied: CommandDecision = { result: 'EVSE_OCCUPIED' };
    // @ts-expect-error an outcome comes with ACCEPTED only
    const refusedWithOutcome: CommandDecision = { result: 'REJECTED', outcome: 'FAILED' };
    void [decide, occupied, refusedWithOutcome];
  });
});

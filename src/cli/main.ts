import { errorMessage } from '../transport/errors.ts';

const USAGE = `Usage: ocpi <command> [options]

Commands:
  serve                       start an OCPI node (see ocpi serve --help)
  register <versions-url> <token-a>
                              register the running node with a partner
  partners                    list the running node's partners (for a hub, the parties
                              behind it with their role and status)
  rotate <partner-id>         rotate the credentials tokens with a partner
  unregister <partner-id>     unregister from a partner
  registration-token          create a token A for a new partner
  load <locations|tariffs|tokens|booking-locations> <file.json> [--version 2.2.1]
                              publish own objects from a file (one or an array)
  sync <partner-id> <locations|tariffs|tokens|booking-locations|hubclientinfo> [--date-from <DateTime>]
                              pull a partner's objects (a hub's ClientInfo list), with a progress bar
  dead-letters [--replay <id> | --replay-all]
                              pushes that failed for too long, and replaying them
  command <start-session|stop-session|...> --partner CC*PID ...
                              send a command and follow its result and session
  profile <set|get|clear> <CC*PID> <session-id> [--limit 11000 --unit W | --duration 900]
                              set, get or clear a session's charging profile at a CPO
  chargers [add <charger-id> --location <location-id> [--password <p>] [--evse <n>=<evse-uid>]...
           | remove <charger-id>]
                              the OCPP chargers: list (online or not, OCPP version, last
                              heartbeat), bind one to a Location, or forget one
  charger --url ws://127.0.0.1:3000/ocpp --id CP-1 [--password <p>] [--connectors 2] [--meter-interval 10]
          [--ocpp 1.6|2.0.1]
                              a simulated OCPP 1.6 or 2.0.1 charger: boots, reports its status,
                              heartbeats, answers remote starts, stops, reservations and
                              unlocks, and runs the transactions it is asked to start
  terminals [assign <terminal-id> --location <id> [--evse <uid>]... | activations [--open]]
                              payment terminals (OCPI 2.3.0): list them; a CPO assigns one;
                              a PTP sees the activation requests
  demo                        a CPO and an eMSP in one process: START_SESSION to CDR
  validate <version> <ObjectName> <file.json> [--patch]
                              check a partner's JSON against the spec
  openapi <version> [--out <file>]
                              the OpenAPI 3.1 document of a version (JSON)

Commands other than serve talk to a running node's admin API:
  --node <url>                the node's admin URL, as ocpi serve prints it
                              (default http://127.0.0.1:3001/admin, or OCPI_NODE)
  --admin-token <token>       its admin token (or OCPI_ADMIN_TOKEN)
`;

/**
 * Runs one CLI command; returns the exit code. Each command is imported when it runs: the
 * admin commands only need an HTTP client, not the server, the store and the model.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await (await import('./serve.ts')).serve(rest, process.env);
      case 'validate':
        return await (await import('./validate.ts')).validate(rest);
      case 'openapi':
        return await (await import('./openapi.ts')).openapi(rest);
      case 'command':
        return await (await import('./command.ts')).command(rest, process.env);
      case 'profile':
        return await (await import('./profile.ts')).profile(rest, process.env);
      case 'charger':
        return await (await import('./charger.ts')).charger(rest);
      case 'terminals':
        return await (await import('./terminals.ts')).terminals(rest, process.env);
      case 'demo':
        return await (await import('./demo.ts')).demo();
      case 'register':
      case 'partners':
      case 'rotate':
      case 'unregister':
      case 'registration-token':
      case 'load':
      case 'sync':
      case 'dead-letters':
      case 'chargers':
        return await (await import('./admin-commands.ts')).adminCommand(command, rest, process.env);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`unknown command ${command}\n\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    process.stderr.write(`ocpi ${command}: ${errorMessage(err)}\n`);
    return 1;
  }
}

import type { FastifyBaseLogger } from 'fastify';
import { isJsonObject } from '../../model/json.ts';
import type { CommandName } from './names.ts';

/** The commands whose request names an EVSE by `evse_uid`. */
const NAMING_AN_EVSE: ReadonlySet<CommandName> = new Set([
  'START_SESSION',
  'RESERVE_NOW',
  'UNLOCK_CONNECTOR',
]);

/**
 * Clients of the Python ocpi-python library, following its tutorial, name the EVSE of
 * RESERVE_NOW and UNLOCK_CONNECTOR `evse_id`, where the spec says `evse_uid`. A request
 * without `evse_uid` has its `evse_id` read as `evse_uid`; the first time a partner does it
 * is logged as a deviation, once per partner while the node runs. What we send always says
 * `evse_uid`: the renderers write only the spec's fields.
 */
export class EvseIdAlias {
  private readonly noted = new Set<string>();

  /** The request body, with `evse_id` moved to `evse_uid` where that alias applies. */
  apply(command: CommandName, body: unknown, partnerId: string, log: FastifyBaseLogger): unknown {
    if (!NAMING_AN_EVSE.has(command) || !isJsonObject(body)) return body;
    const { evse_id: alias, ...rest } = body;
    if (typeof alias !== 'string' || (body.evse_uid !== undefined && body.evse_uid !== null)) return body;
    if (!this.noted.has(partnerId)) {
      this.noted.add(partnerId);
      log.warn(
        { partner: partnerId, command, deviation: 'evse_id' },
        'partner names the EVSE evse_id instead of evse_uid (the ocpi-python tutorial does); read as evse_uid',
      );
    }
    return { ...rest, evse_uid: alias };
  }
}

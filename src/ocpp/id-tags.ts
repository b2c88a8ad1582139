import { createHash } from 'node:crypto';
import type { OcppRepository } from '../store/ocpp-repository.ts';

/** OCPP 1.6 idTags are CiString20. */
export const MAX_ID_TAG = 20;

/**
 * Token uids as OCPP 1.6 idTags. A uid of up to 20 characters is its own idTag; a longer
 * one (OCPI allows 36) is not cut, which would make two tokens one, but stands for a
 * short idTag kept in the store, so that what the charger reports (Authorize,
 * StartTransaction) is mapped back to the token. The short idTag is 20 upper-case hex
 * digits of the uid's SHA-256: the same uid always gets the same idTag, on every
 * instance, and CiString's case-insensitivity changes nothing.
 */
export class IdTags {
  constructor(private readonly repo: OcppRepository) {}

  /** The idTag to send for a token uid (kept in the store when it is a mapped one). */
  async idTagOf(uid: string): Promise<string> {
    if (uid.length <= MAX_ID_TAG) return uid;
    const idTag = createHash('sha256').update(uid, 'utf8').digest('hex').slice(0, MAX_ID_TAG).toUpperCase();
    await this.repo.keepIdTag(idTag, uid);
    return idTag;
  }

  /** The token uid an idTag stands for: the mapped uid, or the idTag itself. */
  async uidOf(idTag: string): Promise<string> {
    return (await this.repo.uidOfIdTag(idTag.toUpperCase())) ?? idTag;
  }
}

import type { IndexedObject } from '../../store/object-index.ts';

/** What the cache keeps for an object a version does not show (see renderFor()). */
export const NOT_SHOWN: Buffer = Buffer.alloc(0);

/** The default budget of a node's rendered JSON. */
export const DEFAULT_RENDERED_BYTES = 64 * 1024 * 1024;

/** What an entry costs besides its bytes: the map entry, the slot and the Buffer object. */
const ENTRY_OVERHEAD = 160;
/** Share of the budget a sweep frees, so that sweeps (a sort of the slots) stay rare. */
const SWEEP_TO = 0.75;

interface Slot {
  json: Buffer;
  /** When it was last asked for, in gets and sets: the least recent go first. */
  used: number;
}

/**
 * The JSON rendered of our objects (as UTF-8 bytes, ready to be sent), per object and form (a
 * version, and the path to a child), the least recently used dropped first beyond `maxBytes`
 * (0 keeps nothing). Keyed by the object as the store's index holds it, which the index
 * replaces when the object changes: a change needs no invalidation here, as what was
 * rendered of the old object is never asked for again, and ages out.
 */
export class RenderedCache {
  private readonly forms = new Map<string, Map<IndexedObject, Slot>>();
  private bytes = 0;
  private clock = 0;

  constructor(private readonly maxBytes: number = DEFAULT_RENDERED_BYTES) {}

  get(object: IndexedObject, form: string): Buffer | undefined {
    const slot = this.forms.get(form)?.get(object);
    if (!slot) return undefined;
    slot.used = ++this.clock;
    return slot.json;
  }

  set(object: IndexedObject, form: string, json: Buffer): void {
    const cost = json.length + ENTRY_OVERHEAD;
    if (cost > this.maxBytes * (1 - SWEEP_TO)) return;
    const slots = this.forms.get(form) ?? new Map<IndexedObject, Slot>();
    this.forms.set(form, slots);
    const old = slots.get(object);
    if (old) this.bytes -= old.json.length + ENTRY_OVERHEAD;
    slots.set(object, { json, used: ++this.clock });
    this.bytes += cost;
    if (this.bytes > this.maxBytes) this.sweep();
  }

  /** Drops the least recently used slots until a quarter of the budget is free. */
  private sweep(): void {
    const all: Array<{ slots: Map<IndexedObject, Slot>; object: IndexedObject; slot: Slot }> = [];
    for (const slots of this.forms.values())
      for (const [object, slot] of slots) all.push({ slots, object, slot });
    all.sort((a, b) => a.slot.used - b.slot.used);
    for (const { slots, object, slot } of all) {
      if (this.bytes <= this.maxBytes * SWEEP_TO) break;
      slots.delete(object);
      this.bytes -= slot.json.length + ENTRY_OVERHEAD;
    }
  }
}

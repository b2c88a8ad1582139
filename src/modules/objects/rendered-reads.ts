import type { OcpiVersion } from '../../model/versions.ts';
import type { IndexedObject } from '../../store/object-index.ts';
import { NOT_SHOWN } from './rendered-cache.ts';
import type { CanonicalObject, OwnListQuery, StoreObjectService } from './service.ts';
import { type ObjectModuleSpec, objectNameAt } from './spec.ts';
import { findAt } from './tree.ts';
import { renderFor } from './visibility.ts';

/** A page of our objects as JSON. */
export interface RenderedPage {
  /** The JSON of each object the version shows, in order. */
  items: Buffer[];
  total: number;
  cursor?: string;
}

/** JSON as bytes of its own (a pooled Buffer would keep its whole pool slab alive while cached). */
function bytesOf(json: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
  bytes.write(json);
  return bytes;
}

/**
 * What the sender of one module and version answers from our store, as JSON bytes: each
 * object rendered once for the version and kept (RenderedCache), a page joined from the
 * bytes of its objects, in the order and with the total of the store's index. For modules
 * whose rendering needs nothing but the object (no renderContext). Every read answers
 * undefined when the list is too long to index, and the sender renders as it always did.
 */
export class RenderedReads {
  constructor(
    private readonly service: StoreObjectService,
    private readonly spec: ObjectModuleSpec,
    private readonly version: OcpiVersion,
  ) {}

  async page(query: OwnListQuery): Promise<RenderedPage | undefined> {
    const page = await this.service.indexedOwn(query);
    if (!page) return undefined;
    const cache = this.service.rendered;
    const form = this.formOf([]);
    const json = page.items.map((o) => cache.get(o, form));
    const missing = page.items.filter((_, i) => json[i] === undefined);
    if (missing.length > 0) {
      const data = await this.service.ownData(missing);
      const rendered = new Map(missing.map((o, i) => [o, this.render(o, data[i], [])]));
      page.items.forEach((o, i) => {
        json[i] ??= rendered.get(o);
      });
    }
    // Objects this version cannot express or may not see are left out of the page.
    return {
      items: json.filter((t): t is Buffer => t !== undefined && t !== NOT_SHOWN),
      total: page.total,
      ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
    };
  }

  /**
   * One of our objects, or the child at `path` below it, as JSON; null when there is none,
   * the version does not show it, or it is not meant for `audiences` (when given).
   */
  async one(
    id: string,
    path: readonly string[],
    audiences?: readonly string[],
  ): Promise<Buffer | null | undefined> {
    const object = await this.service.indexedOwnById(id);
    if (object === undefined) return undefined;
    if (object === null || (audiences && !audiences.includes(object.audience))) return null;
    let json = this.service.rendered.get(object, this.formOf(path));
    if (json === undefined) {
      const [root] = await this.service.ownData([object]);
      json = this.render(object, root, path);
    }
    return json === undefined || json === NOT_SHOWN ? null : json;
  }

  /** The cache's name for the rendering of a path (no path: the object itself) in this version. */
  private formOf(path: readonly string[]): string {
    return [this.version, ...path].join('\u0000');
  }

  /**
   * The JSON of the object at `path` below `root`, kept for `object`; NOT_SHOWN when the
   * version does not show it. Undefined, and nothing kept, when there is nothing there.
   */
  private render(
    object: IndexedObject,
    root: CanonicalObject | undefined,
    path: readonly string[],
  ): Buffer | undefined {
    const found = root && findAt(root, this.spec.children, [...path]);
    if (!root || !found) return undefined;
    const rendered = renderFor(this.version, objectNameAt(this.spec, path), found, root);
    const json = rendered === undefined ? NOT_SHOWN : bytesOf(JSON.stringify(rendered));
    this.service.rendered.set(object, this.formOf(path), json);
    return json;
  }
}

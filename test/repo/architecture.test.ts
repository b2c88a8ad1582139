import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * The shape of src/, checked on every run: no import circles, no arrow from a lower layer up
 * to a higher one, no source file over 500 lines, and modules that meet each other only at
 * their faces. Type-only imports count: a type is a dependency too.
 *
 * The layers, lowest first. A file may import its own unit (a folder, or the files named
 * together), and any unit of a lower row; units in one row are siblings that know nothing of
 * each other.
 *
 *   ground     clock.ts, transport/errors.ts, transport/error-codes.ts, transport/status-codes.ts:
 *              everyone's vocabulary (time, the error type, its codes and the OCPI status codes),
 *              importing nothing above.
 *   model      TypeBox schemas, DateTime, version codecs: pure data, no HTTP, no database.
 *   transport  what every OCPI request shares (auth, envelope, paging, headers);
 *   pricing    tariffs to prices, over model types only. Siblings.
 *   store      the database and its tables (it keeps pricing's meter samples);
 *   client     outbound OCPI HTTP calls. Siblings; neither knows partners: transport
 *              authenticates through the TokenAuthenticator it declares.
 *   partners   the registry of partners, the Credentials object and the handshake; what it
 *              needs of a running node is PartnersContext, which OcpiNode extends.
 *   delivery   the outbox and its worker.
 *   modules    node.ts (the context every module is handed; it lists the modules and their
 *              services, so it lives with them) and src/modules/**.
 *   ocpp       the OCPP bridge: chargers' websocket connections to our Locations' EVSE status
 *              (and later commands and sessions). Like app, it stands on the modules' faces
 *              (the locations publisher, the charger gateway) and the node; it sits below
 *              admin because the admin API lists and adds its chargers, and below app,
 *              which wires it to the node's HTTP server.
 *   admin      reads the modules from outside.
 *   console    the operator's web page beside the admin API: its sessions let the page into
 *              the admin API, and it reads what the admin API lacks (counts, outbox depth,
 *              live events). Above admin, whose routes and schemas it uses; below app, which
 *              mounts it.
 *   app        createOcpiApp() wires everything (app.ts, and its steps in app/).
 *   openapi    the document of a version, written from the routes an app registers.
 *   cli, index the command line and the public API.
 *
 * Between modules (src/modules/<x>/), a file may reach another module only through its faces:
 * service.ts (the business interface), schema.ts and module.ts (what the node mounts). The
 * objects folder is the kit the object modules (locations, tariffs, tokens, sessions, cdrs) are
 * built from; its spec.ts (the description a module fills in) and publisher.ts (how a module's
 * own objects reach partners), route-schemas.ts (the params of object routes) and pages.ts (the
 * walk over a partner's paginated list, which HubClientInfo pulls too) are faces as well.
 * The charger gateway (commands/gateway.ts) and the response_url check (commands/response-url.ts)
 * are faces of commands: ChargingProfiles asks the same chargers and answers on response_urls alike,
 * and keeps its requests until their one result as commands do (commands/received-requests.ts).
 * So is commands/sent-requests.ts: an SCSP sends profile requests and awaits their results as an
 * eMSP sends commands.
 */

/** Rows of units; a unit is folders (a prefix of a path below src/) and files (ending in .ts). */
const LAYERS: readonly (readonly (readonly string[])[])[] = [
  [['clock.ts', 'transport/errors.ts', 'transport/error-codes.ts', 'transport/status-codes.ts']],
  [['model']],
  [['transport'], ['pricing']],
  [['store'], ['client']],
  [['partners']],
  [['delivery']],
  [['modules', 'node.ts']],
  [['ocpp']],
  [['admin']],
  [['console']],
  [['app.ts', 'app']],
  [['openapi']],
  [['cli'], ['index.ts']],
];

const FACES = ['service.ts', 'schema.ts', 'module.ts'];
const KIT_FACES: Record<string, string[]> = {
  objects: ['spec.ts', 'publisher.ts', 'route-schemas.ts', 'pages.ts'],
  commands: ['gateway.ts', 'response-url.ts', 'sent-requests.ts', 'received-requests.ts'],
};

const MAX_LINES = 500;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** 'src/a/b.ts' style paths, the same on every platform. */
function shown(path: string): string {
  return relative(ROOT, path).split(sep).join(posix.sep);
}

const files = sourceFiles(SRC).sort();
const texts = new Map(files.map((f) => [shown(f), readFileSync(f, 'utf8')]));

/** Every relative import and re-export of a file (type-only ones too), as 'src/...' paths. */
const imports = new Map(
  files.map((f) => {
    const found = ts.preProcessFile(texts.get(shown(f)) ?? '', true, true).importedFiles;
    const targets = found
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => shown(resolve(dirname(f), name)));
    return [shown(f), [...new Set(targets)]];
  }),
);

interface Place {
  rank: number;
  /** The unit's entries joined, e.g. 'modules+node.ts'. */
  unit: string;
  /** The longest entry that holds the file. */
  entry: string;
}

/** Where a file sits in the layer table: the longest entry that names it or a folder of it. */
function placeOf(file: string): Place | undefined {
  const path = file.slice('src/'.length);
  let best: Place | undefined;
  LAYERS.forEach((row, rank) => {
    for (const unit of row) {
      for (const entry of unit) {
        const matches = entry.endsWith('.ts') ? path === entry : path.startsWith(`${entry}/`);
        if (matches && (!best || entry.length > best.entry.length))
          best = { rank, unit: unit.join('+'), entry };
      }
    }
  });
  return best;
}

function importCycles(): string[] {
  // Tarjan's strongly connected components; each component of more than one file (or a file
  // importing itself) is a circle, reported as one path through it.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of imports.get(v) ?? []) {
      if (!imports.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (imports.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const f of imports.keys()) if (!index.has(f)) visit(f);
  // One shortest circle through each file of a component, so that every circle to break shows.
  const circles = components.flatMap((component) =>
    component.map((start) => cyclePath(new Set(component), start).join(' -> ')),
  );
  return [...new Set(circles)].sort();
}

/** The shortest circle from start back to itself inside one component. */
function cyclePath(members: Set<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() ?? '';
    for (const w of imports.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at: string | undefined = v; at !== undefined && at !== start; at = cameFrom.get(at))
          path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

function moduleOf(file: string): string | undefined {
  return /^src\/modules\/([^/]+)\//.exec(file)?.[1];
}

describe('the architecture of src/', () => {
  it('places every source file in a layer', () => {
    expect(files.map(shown).filter((f) => placeOf(f) === undefined)).toEqual([]);
  });

  it('has no import circles', () => {
    expect(importCycles()).toEqual([]);
  });

  it('has no arrow from a lower layer up to a higher one, nor between siblings', () => {
    const wrong: string[] = [];
    for (const [file, targets] of imports) {
      const from = placeOf(file);
      for (const target of targets) {
        const to = placeOf(target);
        if (!from || !to || from.unit === to.unit || to.rank < from.rank) continue;
        wrong.push(`${file} -> ${target} (${from.unit} -> ${to.unit})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has modules meet only at their faces', () => {
    const past: string[] = [];
    for (const [file, targets] of imports) {
      const own = moduleOf(file);
      if (own === undefined) continue;
      for (const target of targets) {
        const other = moduleOf(target);
        if (other === undefined || other === own) continue;
        const name = target.slice(`src/modules/${other}/`.length);
        if (FACES.includes(name) || KIT_FACES[other]?.includes(name)) continue;
        past.push(`${file} -> ${target}`);
      }
    }
    expect(past).toEqual([]);
  });

  it(`keeps every source file within ${MAX_LINES} lines`, () => {
    const lineCount = (file: string) => (texts.get(file) ?? '').split('\n').length - 1;
    const over = [...texts.keys()]
      .filter((f) => lineCount(f) > MAX_LINES)
      .map((f) => `${f}: ${lineCount(f)} lines`);
    expect(over).toEqual([]);
  });
});

#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack`, the tarball installed in an empty project,
# imported from plain JavaScript, type-checked by a strict TypeScript consumer, and its
# `ocpi` command started and asked for its versions. Run after a build (npm ci builds).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/ocpi-package.XXXXXX")
server=

cleanup() {
  if [[ -n $server ]]; then
    # The whole process group: npx runs the command in a child of its own.
    kill -TERM -- "-$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

step 'npm pack'
npm pack --json --pack-destination "$work" >"$work/pack.json"
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const [p] = JSON.parse(readFileSync(process.argv[1], "utf8"));
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`${p.filename}: ${p.entryCount} files, ${kib(p.size)} packed, ${kib(p.unpackedSize)} unpacked`);
  const stray = p.files.map((f) => f.path).filter((f) => !/^(dist\/|bin\/|README\.md$|LICENSE$|package\.json$)/.test(f));
  const tests = p.files.map((f) => f.path).filter((f) => /(^|\/)(test|bench)(\/|$)|\.test\./.test(f));
  if (stray.length || tests.length) {
    console.error(`files that do not belong in the package: ${[...stray, ...tests].join(", ")}`);
    process.exit(1);
  }
' "$work/pack.json"
tarball=$(node -p 'require(process.argv[1])[0].filename' "$work/pack.json")

step 'install the tarball in an empty project'
consumer=$work/consumer
mkdir "$consumer"
cd "$consumer"
printf '{ "name": "consumer", "private": true, "type": "module" }\n' >package.json
npm install --no-audit --no-fund "$work/$tarball" '@types/node@^20'

step 'import it from JavaScript: an app on in-memory PGlite, created and closed'
cat >use.mjs <<'EOF'
import { createOcpiApp, SUPPORTED_VERSIONS } from 'ocpi-toolkit';

const app = await createOcpiApp({
  parties: [{ countryCode: 'NL', partyId: 'ACM', role: 'CPO', businessDetails: { name: 'ACME' } }],
  store: { kind: 'pglite', dataDir: 'memory' },
  publicUrl: 'http://127.0.0.1:3000',
});
await app.ready();
console.log(`created ${app.ocpi.versionsUrl()} (${SUPPORTED_VERSIONS.join(', ')})`);
await app.close();
EOF
node use.mjs

step 'type-check a strict TypeScript consumer against the shipped declarations'
cat >consumer.ts <<'EOF'
import {
  type ChargerGateway,
  createOcpiApp,
  type OcpiAppOptions,
  OcpiError,
  type OcpiErrorCode,
  OcpiStatus,
  openApiDocument,
  parseObject,
  SimulatedGateway,
  v230,
} from 'ocpi-toolkit';

const gateway: ChargerGateway = new SimulatedGateway({ evses: { E1: 'accept' } });
const options: OcpiAppOptions = {
  versions: ['2.2.1', '2.3.0'],
  parties: [{ countryCode: 'NL', partyId: 'ACM', role: 'CPO', businessDetails: { name: 'ACME' } }],
  store: { kind: 'pglite', dataDir: 'memory' },
  commands: { gateway },
};
const app = await createOcpiApp(options);
const status: v230.locations.Status = 'AVAILABLE';
// @ts-expect-error not an EVSE status: the shipped types are the real ones, not any
const wrong: v230.locations.Status = 'PARKED';
const parsed = parseObject('2.2.1', 'Location', {});
if (!parsed.ok) console.log(parsed.errors.map((e) => e.message));
const document = await openApiDocument('2.3.0', { publicUrl: 'https://ocpi.example.com' });
const code: OcpiErrorCode = new OcpiError('OCPI_ERR_CONFIG', 'x').code;
console.log(status, wrong, v230.locations.Location.type, document.openapi, code);
console.log(new OcpiError(OcpiStatus.INVALID_PARAMETERS, 'x'), await app.ocpi.locations.get('LOC1'));
await app.close();
EOF
# skipLibCheck off: every shipped declaration is checked, under the two resolutions apps use.
cat >tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "types": ["node"],
    "skipLibCheck": false,
    "noEmit": true
  },
  "files": ["consumer.ts"]
}
EOF
"$repo/node_modules/.bin/tsc" -p tsconfig.json
"$repo/node_modules/.bin/tsc" -p tsconfig.json --module ESNext --moduleResolution Bundler
echo 'declarations: clean under NodeNext and Bundler'

step 'npx ocpi serve, and GET /ocpi/versions with the printed bootstrap token'
set -m # the server in a process group of its own, so that cleanup stops npx and its children
npx --no ocpi serve --port 0 --data memory --log-level warn >"$work/serve.log" 2>&1 &
server=$!
set +m
deadline=$((SECONDS + 90))
until grep -q 'admin token:' "$work/serve.log"; do
  if ! kill -0 "$server" 2>/dev/null || ((SECONDS > deadline)); then
    cat "$work/serve.log"
    echo 'ocpi serve did not start' >&2
    exit 1
  fi
  sleep 0.2
done
cat "$work/serve.log"
versions_url=$(sed -n 's/^ *versions URL: *\([^ ]*\).*/\1/p' "$work/serve.log")
token=$(sed -n 's/^ *bootstrap token: *\([^ ]*\).*/\1/p' "$work/serve.log")
node --input-type=module -e '
  const [url, token] = process.argv.slice(1);
  if (!url.startsWith("http://127.0.0.1:")) throw new Error(`not a loopback URL: ${url}`);
  const res = await fetch(url, { headers: { Authorization: `Token ${token}` } });
  const body = await res.json();
  if (res.status !== 200 || body.status_code !== 1000 || !Array.isArray(body.data) || !body.data.length)
    throw new Error(`GET ${url}: HTTP ${res.status} ${JSON.stringify(body)}`);
  console.log(`GET ${url}: ${body.data.map((v) => v.version).join(", ")}`);
' "$versions_url" "$token"

step 'the operator console is in the package, and ocpi serve serves it'
for file in index.html console.css js/main.js js/vendor/uplot.js vendor/uplot.css; do
  test -f "node_modules/ocpi-toolkit/dist/console-ui/$file" || {
    echo "the package has no dist/console-ui/$file" >&2
    exit 1
  }
done
console_url=$(sed -n 's/^ *console: *\([^ ]*\).*/\1/p' "$work/serve.log")
node --input-type=module -e '
  const [url] = process.argv.slice(1);
  if (!url.startsWith("http://127.0.0.1:")) throw new Error(`not a loopback URL: ${url}`);
  const page = await fetch(url);
  const csp = page.headers.get("content-security-policy") ?? "";
  if (page.status !== 200 || !/^text\/html/.test(page.headers.get("content-type") ?? "") || !csp.includes("default-src \x27self\x27"))
    throw new Error(`GET ${url}: HTTP ${page.status}, CSP ${csp}`);
  const script = await fetch(`${url}/js/main.js`);
  if (script.status !== 200) throw new Error(`GET ${url}/js/main.js: HTTP ${script.status}`);
  console.log(`GET ${url}: the console page, with its CSP and scripts`);
' "$console_url"

kill -TERM -- "-$server"
wait "$server" || true
server=

step 'the package is fine'

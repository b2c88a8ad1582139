import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isSupportedVersion, SUPPORTED_VERSIONS } from '../model/versions.ts';
import { openApiDocument } from '../openapi/document.ts';

/**
 * `ocpi openapi <version> [--out file] [--public-url url] [--base-path /ocpi]`: the OpenAPI 3.1
 * document of a version, as JSON on stdout or into a file.
 */
export async function openapi(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'public-url': { type: 'string' },
      'base-path': { type: 'string' },
    },
  });
  const [version] = positionals;
  if (!version)
    throw new Error('usage: ocpi openapi <version> [--out file] [--public-url url] [--base-path /ocpi]');
  if (!isSupportedVersion(version))
    throw new Error(`unsupported version ${version} (use ${SUPPORTED_VERSIONS.join(', ')})`);
  const document = await openApiDocument(version, {
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(values['base-path'] ? { basePath: values['base-path'] } : {}),
  });
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (values.out) {
    await writeFile(values.out, json);
    process.stderr.write(`OpenAPI ${version} document written to ${values.out}\n`);
  } else {
    process.stdout.write(json);
  }
  return 0;
}

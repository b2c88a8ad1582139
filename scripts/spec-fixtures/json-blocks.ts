import { readdirSync, readFileSync } from 'node:fs';
import type { JsonBlock } from '../../test/support/spec-fixtures.ts';

/** Every ```json block of a 2.1.1 markdown chapter, in order, with the last heading above it. */
function jsonBlocksOf(source: string): JsonBlock[] {
  const blocks: JsonBlock[] = [];
  let heading = '';
  let current: string[] | undefined;
  for (const line of source.split(/\r?\n/)) {
    if (current) {
      if (line.trim().startsWith('```')) {
        blocks.push({ heading, text: current.join('\n') });
        current = undefined;
      } else {
        current.push(line);
      }
    } else if (line.startsWith('```json')) {
      current = [];
    } else if (line.startsWith('#')) {
      heading = line.trim();
    }
  }
  return blocks;
}

/** Chapter file name → its ```json blocks, for every 2.1.1 chapter (an empty list where it has none). */
export function parseJsonBlocks211(root: URL): Record<string, JsonBlock[]> {
  const dir = new URL('2.1.1/', root);
  const result: Record<string, JsonBlock[]> = {};
  for (const chapter of readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    result[chapter] = jsonBlocksOf(readFileSync(new URL(chapter, dir), 'utf8'));
  }
  return result;
}

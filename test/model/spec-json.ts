import { readFileSync } from 'node:fs';
import { SPEC_ROOT } from './spec-tables.ts';

/*
 * Spec example JSON for tests: the example files of 2.2.1 and later, and the ```json blocks
 * of the 2.1.1 markdown chapters (2.1.1 has no examples folder).
 */

export interface JsonBlock {
  /** The last heading above the block. */
  heading: string;
  text: string;
}

/** Every ```json block of a 2.1.1 chapter, in order. */
export function jsonBlocks211(file: string): JsonBlock[] {
  const lines = readFileSync(new URL(`2.1.1/${file}`, SPEC_ROOT), 'utf8').split(/\r?\n/);
  const blocks: JsonBlock[] = [];
  let heading = '';
  let current: string[] | undefined;
  for (const line of lines) {
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

/**
 * The value of a block: `body` is plain JSON after an optional "PUT To URL" line; `fragment` is
 * a `"name": {...}` property, whose value is taken; `envelope` is a response whose `data` is taken.
 */
export function blockValue(block: JsonBlock, shape: 'body' | 'fragment' | 'envelope' = 'body'): unknown {
  if (shape === 'fragment') return Object.values(JSON.parse(`{${block.text}}`) as Record<string, unknown>)[0];
  const lines = block.text.split('\n');
  const start = lines.findIndex((l) => /^\s*[[{]/.test(l));
  const parsed: unknown = JSON.parse(lines.slice(start).join('\n'));
  return shape === 'envelope' ? (parsed as { data?: unknown }).data : parsed;
}

/** An example file of a spec folder (`2.2.1`, `2.3.0`, ...). */
export function exampleJson(folder: string, file: string): unknown {
  return JSON.parse(readFileSync(new URL(`${folder}/examples/${file}`, SPEC_ROOT), 'utf8'));
}

import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';

/** A line a node logged, parsed. */
export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

/** A logger for a node whose lines the test reads: all so far, and the next that matches. */
export interface CapturedLogs {
  logger: Logger;
  lines: LogLine[];
  /** Resolves with the first line from now on whose message matches `pattern` (and `where`). */
  next(pattern: RegExp, where?: (line: LogLine) => boolean): Promise<LogLine>;
}

/** Captures a node's log lines at `level` and above. */
export function captureLogs(level: pino.Level = 'info'): CapturedLogs {
  const lines: LogLine[] = [];
  const events = new EventEmitter<{ line: [LogLine] }>();
  const logger = pino(
    { level },
    {
      write: (text: string) => {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        events.emit('line', line);
      },
    },
  );
  const next = (pattern: RegExp, where: (line: LogLine) => boolean = () => true) =>
    new Promise<LogLine>((resolve) => {
      const listen = (line: LogLine) => {
        if (!pattern.test(line.msg ?? '') || !where(line)) return;
        events.off('line', listen);
        resolve(line);
      };
      events.on('line', listen);
    });
  return { logger, lines, next };
}

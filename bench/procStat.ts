import { readFileSync } from 'node:fs';

/** Linux reports /proc CPU times in clock ticks; 100 per second on every usual kernel. */
const TICKS_PER_SECOND = 100;

/** CPU seconds of a process from /proc/<pid>/stat: its own, and that of reaped children. */
export interface ProcCpu {
  readonly self: number;
  readonly children: number;
}

/** Reads a process's CPU times; undefined when it is gone. */
export function readProcCpu(pid: number | 'self'): ProcCpu | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses; the fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const tick = (i: number): number => Number(fields[i] ?? 0) / TICKS_PER_SECOND;
  // Fields 14 to 17 of stat (utime, stime, cutime, cstime) are 11 to 14 after the name.
  return { self: tick(11) + tick(12), children: tick(13) + tick(14) };
}

/** Peak resident memory of a process in MB (VmHWM), or 0 when it is gone. */
export function readPeakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

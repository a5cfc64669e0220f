import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of every thread of this process (Linux keeps one per thread). */
export function niceOfThreads(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name: state is the 3rd field of stat, nice the 19th.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

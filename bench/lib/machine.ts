// How busy the machine was during a phase, and how much of that was us. The
// benchmark shares 2 cores between the fake upstream, Parley and the readers;
// any other process running at the same time shows up as "foreign" CPU, and
// the phase's numbers should be read with it in mind.
import { readFileSync } from "node:fs";
import { cpuMs } from "./processes";

const TICK_MS = 10; // USER_HZ = 100

function machineTicks(): { busy: number; steal: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busy: user + nice + system + irq + softirq, steal };
}

function ourCpuMs(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuMs(pid);
    } catch {
      // Exited during the window: its share shows up as foreign, which errs on the side of caution.
    }
  }
  return total;
}

export interface LoadReport {
  /** CPU cores used by every process on the machine, on average. */
  machineCores: number;
  /** Of which by the processes of this benchmark (the readers, the fake, Parley). */
  ourCores: number;
  /** By anything else: a busy neighbour makes latencies noisier. */
  foreignCores: number;
  stealCores: number;
}

/** Starts watching; call the returned function at the end of the window. `pids` is read at both ends. */
export function watchLoad(pids: () => number[]): () => LoadReport {
  const startedAt = performance.now();
  const machineBefore = machineTicks();
  const oursBefore = new Map(pids().map((pid) => [pid, ourCpuMs([pid])]));
  return () => {
    const elapsed = performance.now() - startedAt;
    const machineAfter = machineTicks();
    let ours = 0;
    for (const [pid, before] of oursBefore) {
      try {
        ours += cpuMs(pid) - before;
      } catch {
        // Gone; see ourCpuMs.
      }
    }
    const machine = (machineAfter.busy - machineBefore.busy) * TICK_MS;
    return {
      machineCores: machine / elapsed,
      ourCores: ours / elapsed,
      foreignCores: Math.max(0, machine - ours) / elapsed,
      stealCores: ((machineAfter.steal - machineBefore.steal) * TICK_MS) / elapsed,
    };
  };
}

/** Other processes or the hypervisor (steal) took enough CPU to skew latencies. */
export function isNoisy(load: LoadReport): boolean {
  return load.foreignCores + load.stealCores > NOISE_CORES;
}
export const NOISE_CORES = 0.3;

/** Foreign load over a short window before the run starts (only our own pid is ours). */
export async function idleCheck(ms = 1_000): Promise<LoadReport> {
  const stop = watchLoad(() => [process.pid]);
  await Bun.sleep(ms);
  return stop();
}

export { ourCpuMs };

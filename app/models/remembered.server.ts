// Values read from the database and trusted for a while (docs/decisions/107):
// a write through this process forgets its key at once, a read that a write
// overtook does not remember what it read, and a new database handle starts
// with nothing remembered.
import { type Database, database } from "../db.server";

export interface Remembered<K, V> {
  /** The remembered value while younger than the freshness, or what `load` reads (then remembered). */
  read(key: K, load: () => Promise<V>): Promise<V>;
  /** Runs a write of `key`; afterwards the next read asks the database. */
  write<T>(key: K, work: () => Promise<T>): Promise<T>;
}

/** `maxEntries` bounds a memory keyed by something unbounded (a person): past it, the key read least recently goes. */
export function rememberedReads<K, V>(freshMs: number, { maxEntries = Infinity }: { maxEntries?: number } = {}): Remembered<K, V> {
  let known: { db: Database; values: Map<K, { value: V; readAt: number }> } | undefined;
  let writes = 0;
  const values = () => {
    const db = database();
    if (known?.db !== db) known = { db, values: new Map() };
    return known.values;
  };
  return {
    async read(key, load) {
      const memory = values();
      const remembered = memory.get(key);
      if (remembered && performance.now() - remembered.readAt < freshMs) {
        if (maxEntries !== Infinity) {
          memory.delete(key);
          memory.set(key, remembered);
        }
        return remembered.value;
      }
      const readAt = performance.now();
      const writesBefore = writes;
      const value = await load();
      if (writes === writesBefore) {
        const memory = values();
        memory.delete(key);
        memory.set(key, { value, readAt });
        if (memory.size > maxEntries) memory.delete(memory.keys().next().value as K);
      }
      return value;
    },
    async write(key, work) {
      writes++;
      try {
        return await work();
      } finally {
        writes++;
        values().delete(key);
      }
    },
  };
}

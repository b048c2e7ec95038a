// Process-wide counts of things a Parley process must hold exactly one of: a
// database connection and a parsed configuration. They live on globalThis
// rather than in a module variable on purpose: a second copy of a module (the
// sources loaded beside the server build) would start its own module
// variable at zero and hide itself, but it adds to this same count.
const KEY = Symbol.for("parley.census");

export interface Census {
  /** Database connections opened by this process. */
  connections: number;
  /** Times the configuration was read from the environment. */
  configs: number;
}

export function census(): Census {
  const holder = globalThis as { [KEY]?: Census };
  holder[KEY] ??= { connections: 0, configs: 0 };
  return holder[KEY];
}

// How keys are written on the reader's keyboard: a Mac (and an iPad with a
// keyboard) says ⌘ and ⇧ where others say Ctrl and Shift. The server cannot
// tell, so the page is drawn with Ctrl and Shift and says ⌘ once hydrated;
// the hints are shown only with JavaScript (`needs-script`) anyway.
import { useSyncExternalStore } from "react";

const MAC_KEYS: Readonly<Record<string, string>> = { Ctrl: "⌘", Shift: "⇧" };

function onApple(): boolean {
  return /Mac|iPhone|iPad|iPod/.test(navigator.platform);
}

const nothingToWatch = () => () => {};

/** Names a key as the reader's keyboard prints it ("Ctrl" is "⌘" on a Mac); other keys as they are. */
export function useKeyNames(): (key: string) => string {
  const apple = useSyncExternalStore(nothingToWatch, onApple, () => false);
  return apple ? (key) => MAC_KEYS[key] ?? key : (key) => key;
}

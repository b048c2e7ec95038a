// Highlighting and math: the heavy part of rendering (most of its bytes).
// The server always uses both (richPlugins); the browser loads each only
// when an answer being written needs it (blocks.tsx), as its own chunk, so
// neither is part of the page's first load and neither waits for the other.
import type { PluggableList } from "unified";
import { highlightPlugin } from "./rich-highlight";
import { mathPlugin } from "./rich-math";

export const richPlugins: PluggableList = [mathPlugin, highlightPlugin];

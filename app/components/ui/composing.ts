// Keys that belong to an input method (Japanese, Chinese, Korean, and others
// that build a character over several key presses): Enter there confirms the
// characters being composed and Esc cancels them. Neither may also send,
// save, open or close anything. Every handler of Enter or Esc asks here first.

/**
 * Whether this key press is an input method's. While composing, the browser
 * says so (`isComposing`) and gives the key code 229. Safari ends the
 * composition (compositionend) before the keydown of the Enter that confirmed
 * it: that keydown says it is not composing, and only its key code 229 tells.
 */
export function isComposing(event: KeyboardEvent | { nativeEvent: KeyboardEvent }): boolean {
  const key = "nativeEvent" in event ? event.nativeEvent : event;
  return key.isComposing || key.keyCode === 229;
}

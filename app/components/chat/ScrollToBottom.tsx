// A button back to the newest message, shown while the reader has scrolled
// up through a chat. The message list is a column-reverse scroller (pinned to
// the newest message), so its scrollTop is 0 at the bottom and negative above.
// Without JavaScript there is no button; the page still opens at the bottom.
// It also keeps each chat's scroll position for the visit: back in a chat,
// the reader is where they left it (a link to a message still wins).
import { type RefObject, useLayoutEffect, useRef, useState } from "react";
import { rememberScroll, scrollOf } from "./chat-cache";
import { useTranslation } from "~/i18n/i18n";
import { Icon } from "../ui/Icon";

/** How far above the newest message (in pixels) the button appears. */
const SHOW_AFTER_PX = 240;

/** How long a smooth scroll back down may take before it is finished at once. */
const SMOOTH_FOR_MS = 450;

/**
 * Smoothly down to the newest message. While an answer is being written
 * its growth moves the bottom away under a smooth scroll, which then stops
 * short (each new line keeps the reader's place above): whatever is left
 * after a moment is finished at once, and the column stays pinned there.
 */
function backToNewest(element: HTMLElement | null) {
  if (!element) return;
  element.scrollTo({ top: 0, behavior: "smooth" });
  setTimeout(() => {
    if (Math.abs(element.scrollTop) > 1) element.scrollTo({ top: 0, behavior: "instant" });
  }, SMOOTH_FOR_MS);
}

/**
 * Mounted once per chat (keyed by its id). `settled` is false while the chat
 * is shown from the page's memory, which may hold fewer messages than the
 * server's answer on its way; `contentKey` changes when the messages do.
 */
export function ScrollToBottom({ scroller, chatId, settled, contentKey }: { scroller: RefObject<HTMLElement>; chatId: string; settled: boolean; contentKey: string }) {
  const { t } = useTranslation();
  const [away, setAway] = useState(false);
  // Where this chat was left, until the chat's own messages are in to scroll back to it (a link to a message wins).
  const [left] = useState(() => (typeof window === "undefined" || window.location.hash ? null : scrollOf(chatId)));
  const returnTo = useRef(left);
  useLayoutEffect(() => {
    const element = scroller.current;
    // The scroller is shared by every chat: without this, a chat would open where the last one was left.
    if (element && returnTo.current !== null) element.scrollTop = returnTo.current;
    if (settled) returnTo.current = null;
  }, [scroller, settled, contentKey]);
  // A layout effect, so the listener goes in the same commit as this chat's
  // messages: a passive effect's cleanup runs later, and a scroll in between
  // (the next chat's shorter page) would be taken as this chat's.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // Read once per frame, when the browser has laid the page out anyway:
    // reading scrollTop in each scroll event (a chat being drawn fires many)
    // would force a layout every time.
    let frame = 0;
    const measure = () => {
      frame = 0;
      const top = element.scrollTop;
      // While the chat is still coming in, the position is ours, not the reader's.
      if (returnTo.current === null) rememberScroll(chatId, top);
      setAway(Math.abs(top) > SHOW_AFTER_PX);
    };
    const onScroll = () => {
      frame ||= requestAnimationFrame(measure);
    };
    onScroll();
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      element.removeEventListener("scroll", onScroll);
    };
  }, [scroller, chatId]);
  if (!away) return null;
  return (
    <div className="relative h-0">
      <button
        type="button"
        aria-label={t("moving.scrollToNewest")}
        title={t("moving.scrollToNewest")}
        className="icon-button absolute bottom-3 left-1/2 z-10 -translate-x-1/2 rounded-full border border-zinc-700 bg-zinc-900 shadow-lg"
        onClick={() => backToNewest(scroller.current)}
        data-testid="scroll-to-bottom"
      >
        <Icon name="chevronDown" />
      </button>
    </div>
  );
}

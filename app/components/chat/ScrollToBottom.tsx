// A button back to the newest message, shown while the reader has scrolled
// up through a chat. The message list is a column-reverse scroller (pinned to
// the newest message), so its scrollTop is 0 at the bottom and negative above.
// Without JavaScript there is no button; the page still opens at the bottom.
import { type RefObject, useEffect, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { Icon } from "../ui/Icon";

/** How far above the newest message (in pixels) the button appears. */
const SHOW_AFTER_PX = 240;

export function ScrollToBottom({ scroller }: { scroller: RefObject<HTMLElement> }) {
  const { t } = useTranslation();
  const [away, setAway] = useState(false);
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // Read once per frame, when the browser has laid the page out anyway:
    // reading scrollTop in each scroll event (a chat being drawn fires many)
    // would force a layout every time.
    let frame = 0;
    const measure = () => {
      frame = 0;
      setAway(Math.abs(element.scrollTop) > SHOW_AFTER_PX);
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
  }, [scroller]);
  if (!away) return null;
  return (
    <div className="relative h-0">
      <button
        type="button"
        aria-label={t("moving.scrollToNewest")}
        title={t("moving.scrollToNewest")}
        className="icon-button absolute bottom-3 left-1/2 z-10 -translate-x-1/2 rounded-full border border-zinc-700 bg-zinc-900 shadow-lg"
        onClick={() => scroller.current?.scrollTo({ top: 0, behavior: "smooth" })}
        data-testid="scroll-to-bottom"
      >
        <Icon name="chevronDown" />
      </button>
    </div>
  );
}

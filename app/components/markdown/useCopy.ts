// A Copy button's state, for the buttons React draws (a message, a shared or
// shown-once link): `copy` copies and has "Copied" read out, and `copied` says
// so on the button for a moment.
import { useEffect, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { COPIED_MS, copyText } from "./copy";

export function useCopy(): { copied: boolean; copy: (text: string) => void } {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  return { copied, copy: (text) => void copyText(text, t("common.copied")).then(() => setCopied(true)) };
}

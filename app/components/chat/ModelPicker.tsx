// Model picker: a plain <select name="model"> without JavaScript; with it, a
// button that opens a searchable list grouped by provider, showing each
// model's capabilities. The search box and the list follow the WAI-ARIA
// combobox pattern (docs/decisions/097-the-model-picker-is-a-combobox.md):
// focus stays in the box, the arrow keys move the active option
// (aria-activedescendant), Enter picks it, Esc closes and hands focus back to
// the button, typing filters; a click outside closes.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import { formatCompact, formatDollars, useLocale, useTranslation } from "~/i18n/i18n";
import { modelPartOf } from "~/llm/model-id";
import type { UnlistedModel } from "~/llm/types";
import { isComposing } from "../ui/composing";
import { hasEveryWord, searchWords } from "../ui/words";

export interface PickerModel {
  id: string;
  label: string;
  vision: boolean;
  reasoning: boolean;
  contextWindow: number;
  inputPricePerMTok?: number;
  outputPricePerMTok?: number;
}

export interface PickerGroup {
  providerId: string;
  label: string;
  models: PickerModel[];
}

/** A price per million tokens: "$2.5", «2,5 $». */
const PRICE_DIGITS = { min: 0, max: 2 };

/** "Provider · Model", said once when the model's name already starts with its provider's ("Demo (offline)"). */
export function pickerLabel(group: string, label: string): string {
  return label.toLowerCase().startsWith(group.toLowerCase()) ? label : `${group} · ${label}`;
}

/** A key that types a character (not a shortcut), which opens the list with it as the search. */
function isTypedCharacter(event: KeyboardEvent): boolean {
  return event.key.length === 1 && event.key !== " " && !event.ctrlKey && !event.metaKey && !event.altKey;
}

export function ModelPicker({
  groups,
  value,
  name = "model",
  onChange,
  formerLabels,
  unlisted,
}: {
  groups: PickerGroup[];
  value: string;
  name?: string;
  onChange?: (modelId: string) => void;
  /** Readable names of models no longer offered. */
  formerLabels?: Record<string, string>;
  /** A model missing because its provider's list could not be read: named with the reason. */
  unlisted?: UnlistedModel | null;
}) {
  const hydrated = useHydrated();
  const { t } = useTranslation();
  const locale = useLocale();
  const baseId = useId();
  const listId = `${baseId}-models`;
  const labelId = `${baseId}-label`;
  const buttonId = `${baseId}-button`;
  const [selected, setSelectedState] = useState(value);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [activeId, setActiveId] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  useEffect(() => setSelectedState(value), [value]);
  useEffect(() => {
    if (!open) return;
    const close = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", close);
    return () => document.removeEventListener("pointerdown", close);
  }, [open]);

  const all = useMemo(() => groups.flatMap((g) => g.models.map((m) => ({ ...m, group: g.label }))), [groups]);
  // Option ids by position in the whole list: model ids hold characters an id had better not.
  const optionIds = useMemo(() => new Map(all.map((m, i) => [m.id, `${baseId}-option-${i}`])), [all, baseId]);
  const current = all.find((m) => m.id === selected);
  const filtered = useMemo(() => {
    // Each word typed must be found, in any order, in the provider's name, the model's or its id ("claude 4.5", "ollama gpt").
    const words = searchWords(query);
    return groups
      .map((g) => ({ ...g, models: g.models.filter((m) => hasEveryWord(`${g.label} ${m.label} ${m.id}`, words)) }))
      .filter((g) => g.models.length > 0);
  }, [groups, query]);
  const visible = useMemo(() => filtered.flatMap((g) => g.models), [filtered]);
  // The active option stays where it is while it matches, else the first one that does.
  const active = visible.find((m) => m.id === activeId) ?? visible[0];
  const activeOptionId = active ? optionIds.get(active.id) : undefined;

  useEffect(() => {
    if (open && activeOptionId) document.getElementById(activeOptionId)?.scrollIntoView({ block: "nearest" });
  }, [open, activeOptionId]);

  // A model no longer offered (turned off, or its key removed): named as such, never silently replaced by another.
  // One whose provider's list could not be read says so: the server to start, or the key to fix.
  const unavailableName = formerLabels?.[value] ?? modelPartOf(value);
  const unavailable = all.some((m) => m.id === value)
    ? null
    : unlisted?.model === value
      ? t(`picker.${unlisted.reason}`, { model: unavailableName, provider: unlisted.provider })
      : t("picker.unavailable", { model: unavailableName });
  const shown = current ? pickerLabel(current.group, current.label) : selected === value && unavailable ? unavailable : selected;
  if (!hydrated) {
    return (
      <select name={name} defaultValue={value} aria-label={t("composer.model")} title={unavailable ?? undefined} className="min-w-0 max-w-[40vw] sm:max-w-56 rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1 text-xs text-zinc-200" data-testid="model-select">
        {/* Disabled, it is not sent: the server then says why the chat's model cannot answer. */}
        {unavailable ? (
          <option value={value} disabled>
            {unavailable}
          </option>
        ) : null}
        {groups.map((group) => (
          <optgroup key={group.providerId} label={group.label}>
            {group.models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    );
  }

  const openList = (search = "") => {
    setQuery(search);
    setActiveId(selected);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const pick = (modelId: string) => {
    setSelectedState(modelId);
    onChange?.(modelId);
    close();
  };
  const move = (step: number) => {
    if (visible.length === 0) return;
    const at = active ? visible.indexOf(active) : -1;
    setActiveId(visible[Math.min(visible.length - 1, Math.max(0, at + step))]!.id);
  };

  const onSearchKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // The keys of an input method choose and confirm its characters in the search, and pick nothing.
    if (isComposing(event)) return;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(-1);
        break;
      case "PageDown":
        event.preventDefault();
        move(10);
        break;
      case "PageUp":
        event.preventDefault();
        move(-10);
        break;
      case "Enter":
        // Never submits the composer's form: Enter here picks.
        event.preventDefault();
        if (active) pick(active.id);
        break;
      case "Escape":
        // Taken here: Esc elsewhere on the page stops an answer being written.
        event.preventDefault();
        event.stopPropagation();
        close();
        break;
    }
  };

  return (
    <div
      ref={rootRef}
      className="relative min-w-0"
      // Tab (or anything else) taking focus out of the picker closes it.
      onBlur={(event) => {
        if (!rootRef.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <input type="hidden" name={name} value={selected} />
      <span id={labelId} hidden>
        {t("composer.model")}
      </span>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        onClick={() => (open ? setOpen(false) : openList())}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            openList();
          } else if (isTypedCharacter(event)) {
            event.preventDefault();
            openList(event.key);
          }
        }}
        aria-labelledby={`${labelId} ${buttonId}`}
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        data-testid="model-picker"
        // The button is cut to its width: why a model is missing, whole, on hover.
        title={current ? undefined : (unavailable ?? undefined)}
        className="max-w-[min(16rem,100%)] truncate rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1 text-xs text-zinc-200 hover:border-zinc-500"
      >
        {shown} <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        // On a phone the list opens at the top of what is visible, as wide as the screen (anchored at the picker it
        // ran off the screen, and above the message box it ran off the top once the keyboard took half the height);
        // from sm up, above the picker.
        <div className="fixed inset-x-2 top-2 z-40 rounded-lg border border-zinc-700 bg-zinc-900 p-2 shadow-2xl sm:absolute sm:inset-x-auto sm:top-auto sm:bottom-full sm:left-0 sm:z-20 sm:mb-2 sm:w-80 sm:max-w-[calc(100vw-1.5rem)]">
          <input
            autoFocus
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={activeOptionId}
            value={query}
            dir="auto"
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onSearchKeyDown}
            placeholder={t("picker.searchPlaceholder")}
            aria-label={t("picker.search")}
            autoComplete="off"
            spellCheck={false}
            className="mb-2 w-full rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1 text-sm outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/60"
          />
          {/* Pressing an option must not take focus from the search box (it holds the keyboard);
              tabIndex -1 keeps the scrolling list out of the Tab order (Chromium puts scrollers in it). */}
          <div id={listId} role="listbox" aria-label={t("picker.models")} tabIndex={-1} className="max-h-[calc(100dvh-6rem)] overflow-y-auto text-sm sm:max-h-72" onMouseDown={(event) => event.preventDefault()}>
            {visible.length === 0 ? (
              <div role="option" aria-disabled="true" aria-selected="false" className="px-2 py-2 text-zinc-400">
                {t("picker.noMatch")}
              </div>
            ) : null}
            {filtered.map((group) => (
              <ul key={group.providerId} role="group" aria-labelledby={`${listId}-${group.providerId}`}>
                <li role="presentation" id={`${listId}-${group.providerId}`} className="px-2 pb-1 pt-2 text-[11px] uppercase tracking-wide text-zinc-400">
                  {group.label}
                </li>
                {group.models.map((model) => (
                  <li
                    key={model.id}
                    id={optionIds.get(model.id)}
                    role="option"
                    aria-selected={model.id === selected}
                    onClick={() => pick(model.id)}
                    onMouseMove={() => setActiveId(model.id)}
                    className={`flex cursor-pointer items-center justify-between gap-2 rounded px-2 py-1 ${model.id === active?.id ? "bg-zinc-800 text-zinc-50" : ""} ${model.id === selected ? "font-medium" : ""}`}
                  >
                    <span className="truncate">{model.label}</span>
                    <span className="flex shrink-0 gap-1 text-[10px] text-zinc-400">
                      {model.vision ? <span title={t("picker.vision")}>👁</span> : null}
                      {model.reasoning ? <span title={t("picker.reasoning")}>🧠</span> : null}
                      <span title={t("picker.contextWindow")}>{formatCompact(model.contextWindow, locale)}</span>
                      {model.inputPricePerMTok !== undefined && model.outputPricePerMTok !== undefined && model.outputPricePerMTok > 0 ? (
                        <span title={t("picker.price")}>
                          {formatDollars(model.inputPricePerMTok, locale, PRICE_DIGITS)}/{formatDollars(model.outputPricePerMTok, locale, PRICE_DIGITS)}
                        </span>
                      ) : null}
                    </span>
                  </li>
                ))}
              </ul>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** The picker's view of a catalog group (keeps server-only fields out of the page). */
export function toPickerGroups(
  groups: { providerId: string; label: string; models: PickerModel[] }[],
): PickerGroup[] {
  return groups.map((g) => ({
    providerId: g.providerId,
    label: g.label,
    models: g.models.map(({ id, label, vision, reasoning, contextWindow, inputPricePerMTok, outputPricePerMTok }) => ({
      id,
      label,
      vision,
      reasoning,
      contextWindow,
      inputPricePerMTok,
      outputPricePerMTok,
    })),
  }));
}

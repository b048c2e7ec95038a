// Model picker: a plain <select name="model"> without JavaScript; with it, a
// searchable list grouped by provider, showing each model's capabilities.
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { useHydrated } from "remix-utils/use-hydrated";

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

function formatWindow(tokens: number): string {
  return tokens >= 1_000_000 ? `${Math.round(tokens / 100_000) / 10}M` : `${Math.round(tokens / 1000)}k`;
}

/** "Provider · Model", said once when the model's name already starts with its provider's ("Demo (offline)"). */
export function pickerLabel(group: string, label: string): string {
  return label.toLowerCase().startsWith(group.toLowerCase()) ? label : `${group} · ${label}`;
}

export function ModelPicker({ groups, value, name = "model", onChange }: { groups: PickerGroup[]; value: string; name?: string; onChange?: (modelId: string) => void }) {
  const hydrated = useHydrated();
  const { t } = useTranslation();
  const [selected, setSelectedState] = useState(value);
  const setSelected = (id: string) => {
    setSelectedState(id);
    onChange?.(id);
  };
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => setSelectedState(value), [value]);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  const all = useMemo(() => groups.flatMap((g) => g.models.map((m) => ({ ...m, group: g.label }))), [groups]);
  const current = all.find((m) => m.id === selected);
  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return groups
      .map((g) => ({ ...g, models: g.models.filter((m) => !q || `${g.label} ${m.label} ${m.id}`.toLowerCase().includes(q)) }))
      .filter((g) => g.models.length > 0);
  }, [groups, query]);

  if (!hydrated) {
    return (
      <select name={name} defaultValue={value} className="min-w-0 max-w-[40vw] sm:max-w-56 rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1 text-xs text-zinc-200" data-testid="model-select">
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

  return (
    <div ref={rootRef} className="relative">
      <input type="hidden" name={name} value={selected} />
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="listbox"
        aria-expanded={open}
        data-testid="model-picker"
        className="max-w-64 truncate rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1 text-xs text-zinc-200 hover:border-zinc-500"
      >
        {current ? pickerLabel(current.group, current.label) : selected} ▾
      </button>
      {open ? (
        <div className="absolute bottom-full left-0 z-20 mb-2 w-80 rounded-lg border border-zinc-700 bg-zinc-900 p-2 shadow-2xl">
          <input
            autoFocus
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                // Taken here: Esc elsewhere on the page stops an answer being written.
                e.preventDefault();
                setOpen(false);
              }
              if (e.key === "Enter") {
                e.preventDefault();
                const first = filtered[0]?.models[0];
                if (first) {
                  setSelected(first.id);
                  setOpen(false);
                }
              }
            }}
            placeholder={t("picker.searchPlaceholder")}
            aria-label={t("picker.search")}
            className="mb-2 w-full rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1 text-sm outline-none focus:border-sky-500"
          />
          <ul role="listbox" className="max-h-72 overflow-y-auto text-sm">
            {filtered.length === 0 ? <li className="px-2 py-2 text-zinc-500">{t("picker.noMatch")}</li> : null}
            {filtered.map((group) => (
              <li key={group.providerId}>
                <div className="px-2 pb-1 pt-2 text-[11px] uppercase tracking-wide text-zinc-500">{group.label}</div>
                <ul>
                  {group.models.map((model) => (
                    <li key={model.id}>
                      <button
                        type="button"
                        role="option"
                        aria-selected={model.id === selected}
                        onClick={() => {
                          setSelected(model.id);
                          setOpen(false);
                        }}
                        className={`flex w-full items-center justify-between gap-2 rounded px-2 py-1 text-left hover:bg-zinc-800 ${model.id === selected ? "bg-zinc-800" : ""}`}
                      >
                        <span className="truncate">{model.label}</span>
                        <span className="flex shrink-0 gap-1 text-[10px] text-zinc-400">
                          {model.vision ? <span title={t("picker.vision")}>👁</span> : null}
                          {model.reasoning ? <span title={t("picker.reasoning")}>🧠</span> : null}
                          <span title={t("picker.contextWindow")}>{formatWindow(model.contextWindow)}</span>
                          {model.inputPricePerMTok !== undefined && model.outputPricePerMTok !== undefined && model.outputPricePerMTok > 0 ? (
                            <span title={t("picker.price")}>
                              ${model.inputPricePerMTok}/${model.outputPricePerMTok}
                            </span>
                          ) : null}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
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

// A bar chart drawn as SVG on the server: it shows without JavaScript, reads
// as a table to a screen reader (the figure is described by the table beside
// it), and needs no charting library. Its words are HTML around the drawing,
// readable at any width.
import { useTranslation } from "~/i18n/i18n";
/** A bar: its full label (its tooltip and the table's), the short one under it on the axis, and its value. */
export interface Bar {
  key: string;
  label: string;
  tick: string;
  value: number;
}

/** How near an edge (in % of the width) a day's label is held by the edge rather than centred under its bar. */
const EDGE = 8;

export function BarChart({ bars, label, format }: { bars: Bar[]; label: string; format: (value: number) => string }) {
  const { t } = useTranslation();
  const width = 720;
  const height = 144;
  const top = 4;
  // Room at either end for half a day's label ("6 Nov", "6 нояб.", centred under its bar).
  const side = 22;
  const max = Math.max(...bars.map((b) => b.value), 0);
  const step = bars.length > 0 ? (width - 2 * side) / bars.length : width - 2 * side;
  const barWidth = Math.max(1, step * 0.7);
  const scale = max > 0 ? (height - top) / max : 0;
  // Label about ten days along the axis, whatever the period's length.
  const every = Math.max(1, Math.ceil(bars.length / 10));
  // The words are the page's text beside the drawing, not in it: a drawing scaled down to a phone's width would
  // shrink them to a few pixels. Every other day's label gives way on a narrow screen.
  const ticks = bars.flatMap((bar, i) => (i % every === 0 ? [{ bar, centre: ((side + i * step + step / 2) / width) * 100, alternate: (i / every) % 2 === 1 }] : []));
  return (
    <div>
      <p className="mb-1 text-[11px] text-zinc-400">{max > 0 ? t("adminUsage.chartMax", { value: format(max) }) : t("adminUsage.chartEmpty")}</p>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label} className="block h-36 w-full text-sky-500">
        <line x1={0} y1={height} x2={width} y2={height} stroke="currentColor" strokeOpacity={0.3} vectorEffect="non-scaling-stroke" />
        {bars.map((bar, i) => {
          const h = bar.value * scale;
          const x = side + i * step + (step - barWidth) / 2;
          return (
            <rect key={bar.key} x={x} y={height - h} width={barWidth} height={h} fill="currentColor" rx={1}>
              <title>{`${bar.label}: ${format(bar.value)}`}</title>
            </rect>
          );
        })}
      </svg>
      <div aria-hidden="true" className="relative h-5 text-[11px] text-zinc-400">
        {ticks.map(({ bar, centre, alternate }) => (
          // Centred under its bar; one near an edge is held by the edge instead (half of it would be outside).
          <span
            key={bar.key}
            style={centre < EDGE ? { left: 0 } : centre > 100 - EDGE ? { right: 0 } : { left: `${centre.toFixed(2)}%` }}
            className={`absolute top-1 whitespace-nowrap ${centre < EDGE || centre > 100 - EDGE ? "" : "-translate-x-1/2"} ${alternate ? "max-sm:hidden" : ""}`}
          >
            {bar.tick}
          </span>
        ))}
      </div>
    </div>
  );
}

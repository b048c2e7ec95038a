// A bar chart drawn as SVG on the server: it shows without JavaScript, reads
// as a table to a screen reader (the figure is described by the table beside
// it), and needs no charting library.
import { useTranslation } from "~/i18n/i18n";
/** A bar: its full label (its tooltip and the table's), the short one under it on the axis, and its value. */
export interface Bar {
  key: string;
  label: string;
  tick: string;
  value: number;
}

export function BarChart({ bars, label, format }: { bars: Bar[]; label: string; format: (value: number) => string }) {
  const { t } = useTranslation();
  const width = 720;
  const height = 180;
  const top = 16;
  const bottom = 24;
  // Room at either end for half a day's label ("6 Nov", "6 нояб.", centred under its bar).
  const side = 22;
  const max = Math.max(...bars.map((b) => b.value), 0);
  const step = bars.length > 0 ? (width - 2 * side) / bars.length : width - 2 * side;
  const barWidth = Math.max(1, step * 0.7);
  const scale = max > 0 ? (height - top - bottom) / max : 0;
  // Label about ten days along the axis, whatever the period's length.
  const every = Math.max(1, Math.ceil(bars.length / 10));
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} className="h-auto w-full text-sky-500">
      <line x1={0} y1={height - bottom} x2={width} y2={height - bottom} stroke="currentColor" strokeOpacity={0.3} />
      <text x={4} y={12} fontSize={11} fill="#a1a1aa">
        {max > 0 ? t("adminUsage.chartMax", { value: format(max) }) : t("adminUsage.chartEmpty")}
      </text>
      {bars.map((bar, i) => {
        const h = bar.value * scale;
        const x = side + i * step + (step - barWidth) / 2;
        return (
          <g key={bar.key}>
            <rect x={x} y={height - bottom - h} width={barWidth} height={h} fill="currentColor" rx={1}>
              <title>{`${bar.label}: ${format(bar.value)}`}</title>
            </rect>
            {i % every === 0 ? (
              <text x={x + barWidth / 2} y={height - 8} fontSize={10} fill="#a1a1aa" textAnchor="middle">
                {bar.tick}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

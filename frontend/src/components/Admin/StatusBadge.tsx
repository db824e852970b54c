// An up/down badge that says its state in words and with a symbol, not with colour alone.
export function StatusBadge({ up, upLabel = "Up", downLabel = "Down" }: { up: boolean; upLabel?: string; downLabel?: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full border px-2.5 py-0.5 text-sm font-semibold ${
        up ? "border-green-700 bg-green-50 text-green-900" : "border-red-700 bg-red-50 text-red-900"
      }`}
    >
      <span aria-hidden>{up ? "✓" : "✕"}</span>
      {up ? upLabel : downLabel}
    </span>
  );
}

/** The rows a virtualised list must render: `first` inclusive to `end` exclusive. */
export interface RowRange {
  readonly first: number;
  readonly end: number;
}

/**
 * Rows that intersect the viewport, plus `overscan` rows each side so a fast scroll shows no gap.
 * `viewportTop` is the viewport's top in the list's own coordinates (negative while the list starts below it).
 */
export function visibleRows(viewportTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan = 4): RowRange {
  if (rowCount === 0 || rowHeight <= 0 || viewportHeight <= 0) return { first: 0, end: 0 };
  const first = Math.max(0, Math.floor(viewportTop / rowHeight) - overscan);
  const end = Math.min(rowCount, Math.ceil((viewportTop + viewportHeight) / rowHeight) + overscan);
  return end <= first ? { first: 0, end: 0 } : { first, end };
}

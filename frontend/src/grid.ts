// Keyboard navigation in the payout grid, as pure functions so that it is unit-tested.
//
// Rules (spreadsheet-like, never wrapping):
// - ArrowUp / ArrowDown move one row and stop at the first / last row.
// - ArrowLeft / ArrowRight move one column and stop at the first / last column of the row;
//   they do not wrap into the previous or next row.
// - Enter moves down (Shift+Enter up) and stops at the last (first) row.
// - Ctrl+Home / Ctrl+End (or Cmd on a Mac) go to the first / last cell of the grid.
// - Tab and Shift+Tab are left to the browser: they walk the inputs in document order.
// Inside a cell's text, ArrowLeft / ArrowRight first move the caret; they leave the cell
// only at the text's start / end, or when the whole text is selected (as after focusing).

export interface Pos {
  row: number;
  col: number;
}

export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/**
 * The position a key moves to from pos in a grid of rows × cols, or null when the key is not
 * a navigation key (the browser should handle it). A key that would leave the grid answers
 * pos itself (clamped), so the caller can still swallow it.
 */
export function nextPosition(pos: Pos, ev: KeyInput, rows: number, cols: number): Pos | null {
  if (rows <= 0 || cols <= 0) return null;
  const row = clamp(pos.row, 0, rows - 1);
  const col = clamp(pos.col, 0, cols - 1);
  if (ev.altKey) return null;
  const mod = !!(ev.ctrlKey || ev.metaKey);
  switch (ev.key) {
    case 'ArrowUp':
      return mod ? null : { row: clamp(row - 1, 0, rows - 1), col };
    case 'ArrowDown':
      return mod ? null : { row: clamp(row + 1, 0, rows - 1), col };
    case 'ArrowLeft':
      return mod ? null : { row, col: clamp(col - 1, 0, cols - 1) };
    case 'ArrowRight':
      return mod ? null : { row, col: clamp(col + 1, 0, cols - 1) };
    case 'Enter':
      if (mod) return null;
      return { row: clamp(row + (ev.shiftKey ? -1 : 1), 0, rows - 1), col };
    case 'Home':
      return mod ? { row: 0, col: 0 } : null;
    case 'End':
      return mod ? { row: rows - 1, col: cols - 1 } : null;
    default:
      return null;
  }
}

/**
 * Whether a horizontal arrow key should leave a text input whose selection runs from start
 * to end in a value of length len (rather than move the caret). Other keys answer true.
 */
export function leavesInput(key: string, start: number | null, end: number | null, len: number): boolean {
  if (key !== 'ArrowLeft' && key !== 'ArrowRight') return true;
  if (start === null || end === null) return true; // no caret (e.g. a number input)
  if (len === 0) return true;
  if (start === 0 && end === len) return true; // all selected, as after focusing
  if (start !== end) return false;
  return key === 'ArrowLeft' ? start === 0 : end === len;
}

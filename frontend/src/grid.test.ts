import { describe, expect, it } from 'vitest';
import { leavesInput, nextPosition } from './grid';

const at = (row: number, col: number) => ({ row, col });
const key = (k: string, extra: Record<string, boolean> = {}) => ({ key: k, ...extra });

describe('nextPosition', () => {
  const rows = 3;
  const cols = 12;
  it('moves with the arrow keys', () => {
    expect(nextPosition(at(1, 5), key('ArrowUp'), rows, cols)).toEqual(at(0, 5));
    expect(nextPosition(at(1, 5), key('ArrowDown'), rows, cols)).toEqual(at(2, 5));
    expect(nextPosition(at(1, 5), key('ArrowLeft'), rows, cols)).toEqual(at(1, 4));
    expect(nextPosition(at(1, 5), key('ArrowRight'), rows, cols)).toEqual(at(1, 6));
  });
  it('stops at the edges instead of wrapping', () => {
    expect(nextPosition(at(0, 3), key('ArrowUp'), rows, cols)).toEqual(at(0, 3));
    expect(nextPosition(at(2, 3), key('ArrowDown'), rows, cols)).toEqual(at(2, 3));
    expect(nextPosition(at(1, 0), key('ArrowLeft'), rows, cols)).toEqual(at(1, 0));
    expect(nextPosition(at(1, 11), key('ArrowRight'), rows, cols)).toEqual(at(1, 11));
    expect(nextPosition(at(0, 0), key('ArrowLeft'), rows, cols)).toEqual(at(0, 0));
    expect(nextPosition(at(2, 11), key('ArrowRight'), rows, cols)).toEqual(at(2, 11));
  });
  it('moves down on Enter and up on Shift+Enter, stopping at the edges', () => {
    expect(nextPosition(at(0, 4), key('Enter'), rows, cols)).toEqual(at(1, 4));
    expect(nextPosition(at(2, 4), key('Enter'), rows, cols)).toEqual(at(2, 4));
    expect(nextPosition(at(1, 4), key('Enter', { shiftKey: true }), rows, cols)).toEqual(at(0, 4));
    expect(nextPosition(at(0, 4), key('Enter', { shiftKey: true }), rows, cols)).toEqual(at(0, 4));
  });
  it('jumps to the first and last cell with Ctrl+Home / Ctrl+End', () => {
    expect(nextPosition(at(1, 5), key('Home', { ctrlKey: true }), rows, cols)).toEqual(at(0, 0));
    expect(nextPosition(at(1, 5), key('End', { metaKey: true }), rows, cols)).toEqual(at(2, 11));
    expect(nextPosition(at(1, 5), key('Home'), rows, cols)).toBeNull();
  });
  it('leaves other keys to the browser', () => {
    for (const k of ['Tab', 'a', '1', ',', 'Escape', 'Backspace', 'PageDown']) {
      expect(nextPosition(at(1, 1), key(k), rows, cols), k).toBeNull();
    }
    expect(nextPosition(at(1, 1), key('ArrowUp', { altKey: true }), rows, cols)).toBeNull();
    expect(nextPosition(at(1, 1), key('ArrowLeft', { ctrlKey: true }), rows, cols)).toBeNull();
  });
  it('handles a single cell and an empty grid', () => {
    for (const k of ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Enter']) {
      expect(nextPosition(at(0, 0), key(k), 1, 1)).toEqual(at(0, 0));
    }
    expect(nextPosition(at(0, 0), key('ArrowDown'), 0, 12)).toBeNull();
  });
  it('clamps a position outside the grid', () => {
    expect(nextPosition(at(7, 20), key('ArrowUp'), rows, cols)).toEqual(at(1, 11));
  });
});

describe('leavesInput', () => {
  it('moves the caret inside the text, and leaves at its ends', () => {
    expect(leavesInput('ArrowLeft', 0, 0, 5)).toBe(true);
    expect(leavesInput('ArrowLeft', 2, 2, 5)).toBe(false);
    expect(leavesInput('ArrowRight', 5, 5, 5)).toBe(true);
    expect(leavesInput('ArrowRight', 2, 2, 5)).toBe(false);
  });
  it('leaves when everything is selected or the cell is empty', () => {
    expect(leavesInput('ArrowLeft', 0, 5, 5)).toBe(true);
    expect(leavesInput('ArrowRight', 0, 5, 5)).toBe(true);
    expect(leavesInput('ArrowRight', 0, 0, 0)).toBe(true);
    expect(leavesInput('ArrowRight', 1, 3, 5)).toBe(false);
  });
  it('lets vertical keys always leave', () => {
    expect(leavesInput('ArrowUp', 2, 2, 5)).toBe(true);
    expect(leavesInput('Enter', 2, 2, 5)).toBe(true);
  });
});

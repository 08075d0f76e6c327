import bidiFactory from 'bidi-js';
import type * as fontkit from 'fontkit';
import type { Fonts } from './fonts.js';

// Text as a PDF draws it: PDF has no layout engine, so right-to-left runs (Hebrew, Arabic) are
// put in visual order here by the Unicode bidirectional algorithm (bidi-js), and the text is cut
// into runs of one font each: the text font where it has the glyph, else the emoji or CJK subset
// that has it. A character no embedded font draws becomes U+FFFD (drawn, never a crash).

const bidi = bidiFactory();

/** Joiners and variation selectors: they shape emoji sequences no monochrome font composes. */
const INVISIBLE = /[\u200d\ufe0e\ufe0f]/gu;

/** A line of text in visual order (left to right as drawn). */
export function visualOrder(line: string): string {
  if (!/[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u.test(line)) return line;
  const levels = bidi.getEmbeddingLevels(line);
  // the algorithm counts UTF-16 code units; map them back over code points
  const units = line.split('');
  const mirrored = bidi.getMirroredCharactersMap(line, levels);
  for (const [i, c] of mirrored) units[i] = c;
  for (const [start, end] of bidi.getReorderSegments(line, levels)) {
    const reversed = units.slice(start, end + 1).reverse();
    units.splice(start, reversed.length, ...reversed);
  }
  // surrogate pairs reversed inside an RTL run are put back in order
  return units.join('').replace(/([\udc00-\udfff])([\ud800-\udbff])/g, '$2$1');
}

export interface Run {
  /** The registered font name: the text font given, or a fallback subset's. */
  font: string;
  /** A fallback subset's font, for the document to register under `font` before drawing. */
  embed?: fontkit.Font;
  text: string;
}

export function fontRuns(text: string, fonts: Fonts, textFont = 'text'): Run[] {
  const runs: Run[] = [];
  for (const char of text.replace(INVISIBLE, '')) {
    const cp = char.codePointAt(0)!;
    const fallback = cp < 0x80 || fonts.hasText(cp) ? undefined : fonts.fallbackFor(cp);
    const drawn = cp >= 0x80 && !fallback && !fonts.hasText(cp) ? '\ufffd' : char;
    const font = fallback?.name ?? textFont;
    const last = runs.at(-1);
    if (last && last.font === font) last.text += drawn;
    else runs.push({ font, text: drawn, ...(fallback ? { embed: fallback.font } : {}) });
  }
  return runs;
}

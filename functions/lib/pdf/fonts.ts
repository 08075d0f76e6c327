import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import { BOLD_FONT, EMOJI_FONTS, TEXT_FONT } from './font-files.js';

// The fonts a PDF embeds: DejaVu Sans (Latin, Greek, Cyrillic, Hebrew, Arabic, many symbols) and
// Noto Emoji (monochrome outlines, in the 12 subsets Fontsource ships). A deployed function finds
// them beside its bundle (the API function's `assets`, functions/api/functions.ts); tests and
// benchmarks find them in node_modules. They are read once per instance.

const require = createRequire(import.meta.url);

/** Beside the bundle's index.mjs: this module is there, or in a chunk of chunks/ under it. */
function read(packagePath: string): Buffer {
  const name = packagePath.split('/').at(-1)!;
  const shipped = [`./${name}`, `../${name}`]
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((file) => existsSync(file));
  return readFileSync(shipped ?? require.resolve(packagePath));
}

// Each font is parsed once per instance and the parsed font handed to every document: parsing
// (and the lazily decoded layout tables) is most of a render's cost otherwise (benchmarks.md,
// "Quote PDF").
export interface Fonts {
  regular: fontkit.Font;
  bold: fontkit.Font;
  /** The emoji subsets, each with the glyphs it has. */
  emoji: { name: string; font: fontkit.Font }[];
  /** Whether the text font draws this code point (else an emoji subset may). */
  hasText(codePoint: number): boolean;
}

let loaded: Fonts | undefined;

export function fonts(): Fonts {
  if (loaded) return loaded;
  const regular = fontkit.create(read(TEXT_FONT));
  loaded = {
    regular,
    bold: fontkit.create(read(BOLD_FONT)),
    emoji: EMOJI_FONTS.map((path, i) => ({ name: `emoji-${i}`, font: fontkit.create(read(path)) })),
    hasText: (cp) => regular.hasGlyphForCodePoint(cp),
  };
  return loaded;
}

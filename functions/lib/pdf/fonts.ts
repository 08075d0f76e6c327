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

function read(packagePath: string): Buffer {
  const name = packagePath.split('/').at(-1)!;
  const beside = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return readFileSync(existsSync(beside) ? beside : require.resolve(packagePath));
}

export interface Fonts {
  regular: Buffer;
  bold: Buffer;
  /** The emoji subsets, each with the glyphs it has. */
  emoji: { name: string; data: Buffer; font: fontkit.Font }[];
  /** Whether the text font draws this code point (else an emoji subset may). */
  hasText(codePoint: number): boolean;
}

let loaded: Fonts | undefined;

export function fonts(): Fonts {
  if (loaded) return loaded;
  const regular = read(TEXT_FONT);
  const text = fontkit.create(regular);
  loaded = {
    regular,
    bold: read(BOLD_FONT),
    emoji: EMOJI_FONTS.map((path, i) => {
      const data = read(path);
      return { name: `emoji-${i}`, data, font: fontkit.create(data) };
    }),
    hasText: (cp) => text.hasGlyphForCodePoint(cp),
  };
  return loaded;
}

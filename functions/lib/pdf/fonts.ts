import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import {
  BOLD_FONT,
  CJK_PACKAGES,
  EMOJI_FONTS,
  type FontFace,
  fontFaces,
  stylesheetOf,
  TEXT_FONT,
} from './font-files.js';

// The fonts a PDF embeds: DejaVu Sans (Latin, Greek, Cyrillic, Hebrew, Arabic, many symbols),
// Noto Emoji (monochrome outlines, in the 12 subsets Fontsource ships), and for Chinese, Japanese
// and Korean names Noto Sans SC, then Noto Sans KR for hangul. A deployed function finds them in
// its bundle (the API function's `assets`, functions/api/functions.ts); tests and benchmarks find
// them in node_modules. Each is read once per instance; a CJK subset (of about 220) only when a
// document first needs one of its characters, so a quote in Latin script never pays for them.

const require = createRequire(import.meta.url);

/**
 * In a function, only from its bundle: under node_modules/ beside its index.mjs (this module is
 * there, or in a chunk of chunks/ under it), so a font the bundle lacks fails on the local
 * runtime as it would in Lambda. Outside a function (tests, benchmarks), from node_modules.
 */
function read(packagePath: string): Buffer {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return readFileSync(require.resolve(packagePath));
  const shipped = [`./node_modules/${packagePath}`, `../node_modules/${packagePath}`]
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((file) => existsSync(file));
  if (!shipped) throw new Error(`${packagePath} is not in this function's bundle (its assets)`);
  return readFileSync(shipped);
}

/** A font a PDF registers under its name. */
export interface NamedFont {
  name: string;
  font: fontkit.Font;
}

// Each font is parsed once per instance and the parsed font handed to every document: parsing
// (and the lazily decoded layout tables) is most of a render's cost otherwise (benchmarks.md,
// "Quote PDF").
export interface Fonts {
  regular: fontkit.Font;
  bold: fontkit.Font;
  /** Whether the text font draws this code point. */
  hasText(codePoint: number): boolean;
  /** The font that draws a code point the text font lacks: an emoji subset, else a CJK one. */
  fallbackFor(codePoint: number): NamedFont | undefined;
}

let loaded: Fonts | undefined;

export function fonts(): Fonts {
  if (loaded) return loaded;
  const regular = fontkit.create(read(TEXT_FONT));
  const emoji = EMOJI_FONTS.map((path, i) => ({ name: `emoji-${i}`, font: fontkit.create(read(path)) }));
  let cjkFaces: { fontPackage: string; face: FontFace }[] | undefined;
  const cjk = new Map<string, NamedFont>();
  const cjkFont = (codePoint: number): NamedFont | undefined => {
    cjkFaces ??= CJK_PACKAGES.flatMap((fontPackage) =>
      fontFaces(read(stylesheetOf(fontPackage)).toString('utf8')).map((face) => ({ fontPackage, face })),
    );
    // a subset's range may name code points its font lacks (SC's has a few hangul): try the next
    for (const { fontPackage, face } of cjkFaces) {
      if (!face.ranges.some(([from, to]) => codePoint >= from && codePoint <= to)) continue;
      let named = cjk.get(face.file);
      if (!named) {
        const font = fontkit.create(read(`${fontPackage}/files/${face.file}`));
        named = { name: face.file.replace(/\.woff$/, ''), font };
        cjk.set(face.file, named);
      }
      if (named.font.hasGlyphForCodePoint(codePoint)) return named;
    }
    return undefined;
  };
  loaded = {
    regular,
    bold: fontkit.create(read(BOLD_FONT)),
    hasText: (cp) => regular.hasGlyphForCodePoint(cp),
    fallbackFor: (cp) => emoji.find((e) => e.font.hasGlyphForCodePoint(cp)) ?? cjkFont(cp),
  };
  return loaded;
}

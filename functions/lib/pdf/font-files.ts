import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The font files a PDF embeds, as paths inside node_modules: DejaVu Sans (regular and bold), the
// 12 subsets of Noto Emoji Fontsource ships, and for Chinese, Japanese and Korean Noto Sans SC
// (Han and kana) then Noto Sans KR (hangul, which SC's Google Fonts cut lacks), each in the
// unicode-range subsets Fontsource cuts it into, with the stylesheet that says which subset
// draws which code points. A deployed function that renders PDFs ships them beside its bundle
// (its `assets`, functions/api/functions.ts); fonts.ts reads them.

export const TEXT_FONT = 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
export const BOLD_FONT = 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf';
export const EMOJI_FONTS = [...Array.from({ length: 11 }, (_, i) => String(i)), 'emoji'].map(
  (subset) => `@fontsource/noto-emoji/files/noto-emoji-${subset}-400-normal.woff`,
);
/** The CJK families, in the order a character is looked up in them. */
export const CJK_PACKAGES = ['@fontsource/noto-sans-sc', '@fontsource/noto-sans-kr'];
/** Fontsource's stylesheet of a family's regular weight: one @font-face per subset, with its range. */
export const stylesheetOf = (fontPackage: string) => `${fontPackage}/400.css`;

/** One subset of a font cut by unicode-range: its file (in the package's files/) and ranges. */
export interface FontFace {
  file: string;
  /** Inclusive code point ranges. */
  ranges: [number, number][];
}

/**
 * The @font-face rules of a Fontsource stylesheet, each subset's WOFF file and its
 * unicode-range (`U+4e00-4e3f,U+3042`). Read with a regular expression: Fontsource writes these
 * rules in one fixed shape, and this module must stay too small to pull a CSS parser into a
 * function's cold start.
 */
export function fontFaces(css: string): FontFace[] {
  const faces: FontFace[] = [];
  for (const [rule] of css.matchAll(/@font-face\s*{[^}]*}/g)) {
    const file = /url\(\.\/files\/([^)]+\.woff)\)\s*format\('woff'\)/.exec(rule)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(rule)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((part): [number, number] => {
      const [from, to = from] = part.trim().replace(/^U\+/i, '').split('-');
      return [Number.parseInt(from!, 16), Number.parseInt(to!, 16)];
    });
    faces.push({ file, ranges });
  }
  return faces;
}

const FONT_FILES = [TEXT_FONT, BOLD_FONT, ...EMOJI_FONTS];

/** Every file a function that renders PDFs ships beside its bundle (read at synth, not at run). */
export function fontFilesToShip(): string[] {
  const require = createRequire(import.meta.url);
  const cjk = CJK_PACKAGES.flatMap((fontPackage) => {
    const css = readFileSync(require.resolve(stylesheetOf(fontPackage)), 'utf8');
    return [stylesheetOf(fontPackage), ...fontFaces(css).map((face) => `${fontPackage}/files/${face.file}`)];
  });
  return [...FONT_FILES, ...cjk];
}

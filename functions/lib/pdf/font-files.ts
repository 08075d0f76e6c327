// The font files a PDF embeds, as paths inside node_modules: DejaVu Sans (regular and bold) and
// the 12 subsets of Noto Emoji Fontsource ships. A deployed function that renders PDFs ships
// them beside its bundle (its `assets`, functions/api/functions.ts); fonts.ts reads them.

export const TEXT_FONT = 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
export const BOLD_FONT = 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf';
export const EMOJI_FONTS = [...Array.from({ length: 11 }, (_, i) => String(i)), 'emoji'].map(
  (subset) => `@fontsource/noto-emoji/files/noto-emoji-${subset}-400-normal.woff`,
);
export const FONT_FILES = [TEXT_FONT, BOLD_FONT, ...EMOJI_FONTS];

import DOMPurify from 'dompurify';

// An email's HTML is the sender's: it may carry scripts, event handlers, forms, frames, styles
// that redraw the page, and remote images that tell the sender it was read (tracking pixels).
// DOMPurify (the maintained sanitizer browsers' own projects use) keeps the text, its structure
// and its links; everything active is taken out, and no remote image is ever loaded (the
// console's content security policy would refuse it too: img-src 'self' data:). Links open in a
// new tab, without telling the site where they came from.

export interface SafeHtml {
  html: string;
  /** Remote images taken out (tracking pixels among them). */
  remoteImages: number;
}

const FORBID_TAGS = [
  'style',
  'link',
  'meta',
  'base',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'svg',
  'math',
  'audio',
  'video',
  'source',
  'picture',
];

export function sanitizeEmailHtml(html: string): SafeHtml {
  let remoteImages = 0;
  const purify = DOMPurify();
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'IMG') {
      const src = node.getAttribute('src') ?? '';
      if (!src.startsWith('data:image/')) {
        remoteImages++;
        node.removeAttribute('src');
        node.setAttribute('alt', node.getAttribute('alt') || '[image not loaded]');
      }
      node.removeAttribute('srcset');
    }
    node.removeAttribute('background');
    if (node.nodeName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  const clean = purify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'class', 'id'],
    ALLOW_DATA_ATTR: false,
    // the whole document's body only: no <head>, nothing it would load
    WHOLE_DOCUMENT: false,
  });
  return { html: clean, remoteImages };
}

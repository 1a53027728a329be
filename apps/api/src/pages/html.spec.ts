import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { escapeHtml, markup } from './html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that can start markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('leaves no markup character in any text, and decodes back to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        const decoded = escaped
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&');
        expect(decoded).toBe(text);
      }),
    );
  });
});

describe('markup templates', () => {
  it('escape every interpolated string and number, in text and in attributes', () => {
    const model = '<script>alert(1)</script>';
    expect(markup`<p title="${'"onmouseover="x'}">${model} ${3}</p>`.markup).toBe(
      '<p title="&quot;onmouseover=&quot;x">&lt;script&gt;alert(1)&lt;/script&gt; 3</p>',
    );
  });

  it('keep the markup of nested templates and lists, and drop null and undefined', () => {
    const items = ['a&b', 'c'].map((item) => markup`<li>${item}</li>`);
    expect(markup`<ul>${items}</ul>${null}${undefined}`.markup).toBe('<ul><li>a&amp;b</li><li>c</li></ul>');
  });
});

/**
 * HTML built by tagged templates (`markup`): every interpolated value is escaped unless it is already Html
 * (the output of another template), so a renderer cannot forget to escape a device's model name.
 * There is no template engine and no other way to put text into a page.
 */

/** Markup that is safe to insert: made by `markup` templates, never from a plain string. */
export class Html {
  private constructor(readonly markup: string) {}

  /** Internal: only this module makes Html, from markup it has escaped. */
  static trusted(markup: string): Html {
    return new Html(markup);
  }

  toString(): string {
    return this.markup;
  }
}

/** A value a template may interpolate: text (escaped), a number, Html (kept), a list of those, or nothing. */
export type HtmlValue = string | number | Html | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for an HTML text node or a quoted attribute value: the five characters that can end
 * either or start markup. Attribute values are always double-quoted in these templates.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Html) return value.markup;
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(render).join('');
}

/**
 * The tagged template: `markup\`<p>${text}</p>\`` escapes `text`. (Not named `html`: Prettier would
 * reformat templates so named as HTML, changing the page's bytes and the stylesheet's CSP hash.)
 */
export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return Html.trusted(markup);
}

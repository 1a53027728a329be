/**
 * An HTML page parsed for the API tests that read the server-rendered pages (dashboard, desk), through
 * linkedom: no browser needed for what the markup alone shows.
 */
import { parseHTML } from 'linkedom';

/** The elements of a page the tests read (the project's TypeScript has no DOM library). */
export interface Element {
  readonly textContent: string | null;
  readonly tagName: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
}

/** The document of the page. */
export function parse(html: string): Element {
  return (parseHTML(html) as unknown as { document: Element }).document;
}

/** Every element under `root` that matches `selector`, as an array. */
export const all = (root: Element, selector: string): Element[] => Array.from(root.querySelectorAll(selector));

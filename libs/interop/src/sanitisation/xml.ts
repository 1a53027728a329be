/**
 * A small, strict XML reader for erasure reports (no XML package is installed, and one that resolves
 * entities is a liability: XXE). It accepts exactly:
 *
 * - an optional XML declaration `<?xml …?>` at the start, comments `<!-- … -->`, CDATA sections;
 * - elements with attributes in single or double quotes, and self-closing elements;
 * - the five predefined entities (`&lt; &gt; &amp; &quot; &apos;`) and numeric character references.
 *
 * It refuses everything else with an `ErasureReportError` (code `XML_INVALID`, or `XML_DTD_REFUSED`
 * for any `<!DOCTYPE`/`<!ENTITY`): DTDs, other entities, processing instructions, mismatched or
 * unclosed tags, text outside the root, more than 64 levels of nesting. Namespaces are not
 * interpreted: a prefixed name is read as written.
 */
import { ErasureReportError } from './report.js';

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), children's text left out, not trimmed. */
  readonly text: string;
}

const MAX_DEPTH = 64;
const NAME = /^[A-Za-z_][\w.:-]*/u;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function invalid(message: string, at: number): ErasureReportError {
  return new ErasureReportError('XML_INVALID', '(body)', `Not well-formed XML at character ${at}: ${message}`);
}

function decodeText(raw: string, at: number): string {
  return raw.replace(/&([^;]{0,10});/gu, (_whole, entity: string) => {
    const numeric = /^#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7})$/u.exec(entity);
    if (numeric !== null) {
      const digits = numeric[1] ?? '';
      const code = digits.startsWith('x') ? parseInt(digits.slice(1), 16) : parseInt(digits, 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        throw invalid(`bad reference &${entity};`, at);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[entity];
    if (value === undefined) throw invalid(`entity &${entity}; is not one of the five predefined ones`, at);
    return value;
  });
}

interface Building {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

export function parseXml(source: string): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/iu.test(source)) {
    throw new ErasureReportError('XML_DTD_REFUSED', '(body)', 'XML with a DOCTYPE or ENTITY declaration is refused');
  }
  let at = 0;
  const text = source.startsWith('\ufeff') ? source.slice(1) : source;
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end === -1) throw invalid('unclosed XML declaration', 0);
    at = end + 2;
  }
  const stack: Building[] = [];
  let root: XmlElement | null = null;

  while (at < text.length) {
    const lt = text.indexOf('<', at);
    const chunk = lt === -1 ? text.slice(at) : text.slice(at, lt);
    if (chunk !== '') {
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        if (chunk.trim() !== '') throw invalid('text outside the root element', at);
      } else {
        if (chunk.includes('>')) throw invalid('a ">" in text', at);
        parent.text += decodeText(chunk, at);
      }
    }
    if (lt === -1) break;
    at = lt;
    if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end === -1) throw invalid('unclosed comment', at);
      at = end + 3;
    } else if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at);
      const parent = stack[stack.length - 1];
      if (end === -1 || parent === undefined) throw invalid('CDATA outside an element or unclosed', at);
      parent.text += text.slice(at + 9, end);
      at = end + 3;
    } else if (text.startsWith('</', at)) {
      const end = text.indexOf('>', at);
      const name = end === -1 ? '' : text.slice(at + 2, end).trim();
      const open = stack.pop();
      if (open === undefined || open.name !== name) throw invalid(`closing tag </${name}> does not match`, at);
      const element: XmlElement = { ...open };
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        if (root !== null) throw invalid('more than one root element', at);
        root = element;
      } else parent.children.push(element);
      at = end + 1;
    } else if (text.startsWith('<?', at) || text.startsWith('<!', at)) {
      throw invalid('processing instructions and declarations are not accepted', at);
    } else {
      at = readStartTag(text, at, stack, (element) => {
        const parent = stack[stack.length - 1];
        if (parent !== undefined) parent.children.push(element);
        else if (root !== null) throw invalid('more than one root element', at);
        else root = element;
      });
    }
  }
  if (stack.length > 0) throw invalid(`<${stack[stack.length - 1]?.name ?? ''}> is not closed`, text.length);
  if (root === null) throw invalid('no root element', 0);
  return root;
}

/** Reads `<name attr="v" …>` or `<name …/>` at `at`; returns the index after it. */
function readStartTag(
  text: string,
  start: number,
  stack: Building[],
  selfClosed: (element: XmlElement) => void,
): number {
  let at = start + 1;
  const name = NAME.exec(text.slice(at, at + 200))?.[0];
  if (name === undefined) throw invalid('an element name was expected', at);
  at += name.length;
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (;;) {
    const space = /^\s*/u.exec(text.slice(at, at + 1000))?.[0] ?? '';
    at += space.length;
    if (text.startsWith('/>', at)) {
      if (stack.length >= MAX_DEPTH) throw invalid(`elements nest at most ${MAX_DEPTH} levels`, at);
      selfClosed({ name, attributes, children: [], text: '' });
      return at + 2;
    }
    if (text.startsWith('>', at)) {
      if (stack.length >= MAX_DEPTH) throw invalid(`elements nest at most ${MAX_DEPTH} levels`, at);
      stack.push({ name, attributes, children: [], text: '' });
      return at + 1;
    }
    if (space === '') throw invalid(`a space, ">" or "/>" was expected in <${name}>`, at);
    const attribute = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/u.exec(text.slice(at, at + 10_000));
    if (attribute === null) throw invalid(`a malformed attribute in <${name}>`, at);
    const attributeName = attribute[1] ?? '';
    if (attributeName in attributes) throw invalid(`attribute ${attributeName} repeated`, at);
    attributes[attributeName] = decodeText(attribute[3] ?? attribute[4] ?? '', at);
    at += attribute[0].length;
  }
}

/** The children of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/**
 * The frame of the workspace pages people use after signing in (dashboard, desk, audit, users), as
 * opposed to the public passport page: one document layout, navigation by what the person may do,
 * who is signed in with a sign-out button, and the language switch. Each page renders only its
 * `main` and its own words (fi, sv, en) and sends the result through `sendWorkspacePage`.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { hasPermission, type Permission } from '#kierto/access';
import { principalOf, sessionOf } from '../access/principal.js';
import { Html, markup } from './html.js';
import { LANGUAGES, STRINGS, pageLanguage, type Language } from './i18n.js';
import { PAGE_CSS } from './page-style.js';

/** The public pages' stylesheet, wider, with forms, errors and charts. */
export const WORKSPACE_CSS =
  PAGE_CSS +
  [
    'body.workspace header,body.workspace main,body.workspace footer{max-width:72rem}',
    'header .who{display:flex;gap:.5rem;align-items:center}',
    'header form{margin:0}',
    // On a phone the header's parts wrap: unwrapped they made the page wider than the screen.
    'header{flex-wrap:wrap}',
    'form.stack{display:grid;gap:.75rem;max-width:32rem}',
    'label{display:block;font-weight:600}',
    'input,select,textarea,button{font:inherit}',
    'input,select,textarea{width:100%;padding:.4rem;border:1px solid #6b6b6b;border-radius:.25rem}',
    'input[type=checkbox],input[type=radio]{width:auto}',
    'button{padding:.45rem .9rem;border:1px solid #0a4fa8;border-radius:.25rem;background:#0a4fa8;color:#fff;cursor:pointer}',
    'button.link{border:0;background:none;color:#0a4fa8;padding:0;text-decoration:underline}',
    '.hint{font-weight:400;color:#4a4a4a;font-size:.9rem}',
    '.error{color:#a3161a;font-weight:600}',
    '[aria-invalid=true]{border-color:#a3161a;border-width:2px}',
    '.notice{padding:.6rem .8rem;border-left:.3rem solid #0a4fa8;background:#e3effd}',
    '.notice.error{border-color:#a3161a;background:#fdecec;color:#1b1b1b}',
    // An error summary's heading sits inside its notice, without the section rule above it.
    '.notice h2{margin-top:0;padding-top:0;border-top:0}',
    '.scroll{overflow-x:auto}',
    'figure{margin:1rem 0}',
    'svg{max-width:100%;height:auto}',
    // The auditor's verdicts (apps/api/src/auditor): said in words, the colour only repeats them.
    'code{font-size:.85rem;overflow-wrap:anywhere}',
    '.notice.ok{border-color:#1c7c3c;background:#eaf6ee}',
    '.verdict{display:inline-block;padding:0 .4rem;border:1px solid #1c7c3c;border-radius:.25rem;background:#eaf6ee;color:#14532d;font-weight:700}',
    '.verdict.bad{border-color:#a3161a;background:#fdecec;color:#7f1013}',
    'ol.timeline li.bad::before{background:#a3161a}',
    'ol.timeline dd time{display:inline;font-size:inherit;color:inherit}',
    'section[aria-labelledby=as-of] form+form{margin-top:1.5rem}',
    // The dashboard (apps/api/src/dashboard): filters side by side where there is room, chart legends in a row.
    'form.filters fieldset{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.75rem;margin:0;border:1px solid #d0d0d0;border-radius:.25rem}',
    'ul.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:.25rem 0;padding:0;font-size:.9rem}',
    'figcaption{font-size:.9rem;color:#4a4a4a}',
    // A figure table's row header and its numbers on one line, even where a header wraps.
    'table.figures tbody th,table.figures tbody td{vertical-align:baseline}',
  ].join('');

const CSS_HASH = createHash('sha256').update(WORKSPACE_CSS, 'utf8').digest('base64');

/**
 * The workspace's Content-Security-Policy: the one stylesheet by hash; scripts only from this origin
 * (progressive enhancements such as the desk's camera scan; every page works without them); images
 * from this origin or inline (charts, QR codes); forms post only here.
 */
export const WORKSPACE_CSP = `default-src 'none'; style-src 'sha256-${CSS_HASH}'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export interface NavItem {
  readonly href: string;
  readonly label: Readonly<Record<Language, string>>;
  /** Shown when the person holds any of these. */
  readonly permissions: readonly Permission[];
}

/** The workspace's sections, in the order the header lists them. */
export const NAV: readonly NavItem[] = [
  {
    href: '/dashboard',
    label: { en: 'Dashboard', fi: 'Kojelauta', sv: 'Översikt' },
    permissions: ['statistics:read'],
  },
  {
    href: '/desk',
    label: { en: 'Desk', fi: 'Työpöytä', sv: 'Arbetsbord' },
    permissions: ['device:collect', 'device:wipe', 'device:repair', 'device:resell'],
  },
  { href: '/auditor', label: { en: 'Audit', fi: 'Tarkastus', sv: 'Granskning' }, permissions: ['audit:read'] },
  {
    href: '/admin/users',
    label: { en: 'Users', fi: 'Käyttäjät', sv: 'Användare' },
    permissions: ['organisations:manage'],
  },
];

const WORDS: Readonly<
  Record<Language, { signedInAs: (name: string) => string; signOut: string; signIn: string; sections: string }>
> = {
  en: { signedInAs: (name) => `Signed in as ${name}`, signOut: 'Sign out', signIn: 'Sign in', sections: 'Sections' },
  fi: {
    signedInAs: (name) => `Kirjautuneena: ${name}`,
    signOut: 'Kirjaudu ulos',
    signIn: 'Kirjaudu sisään',
    sections: 'Osiot',
  },
  sv: {
    signedInAs: (name) => `Inloggad som ${name}`,
    signOut: 'Logga ut',
    signIn: 'Logga in',
    sections: 'Avsnitt',
  },
};

/** The page's language for a workspace request: `?lang=`, else Accept-Language, else English. */
export function workspaceLanguage(request: Request): Language {
  return pageLanguage(request.query['lang'], (languages) => request.acceptsLanguages(languages));
}

/**
 * The hidden CSRF field for a form that posts with the session cookie; nothing for a caller with an
 * API key (a key is not sent by the browser on its own, so it needs no token).
 */
export function csrfField(request: Request): Html {
  const session = sessionOf(request);
  return session === null ? markup`` : markup`<input type="hidden" name="_csrf" value="${session.csrfToken}">`;
}

/**
 * The same page in another language: the query string as it is, `lang` replaced. A page whose
 * address carries its state (the dashboard's filters, a facts page) stays that page.
 */
function inLanguage(request: Request, language: Language): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    if (name === 'lang') continue;
    for (const one of Array.isArray(value) ? value : [value]) if (typeof one === 'string') parameters.append(name, one);
  }
  parameters.set('lang', language);
  return `?${parameters.toString()}`;
}

/** The whole document around a workspace page's main content. */
export function renderWorkspacePage(request: Request, language: Language, title: string, main: Html): string {
  const t = STRINGS[language];
  const words = WORDS[language];
  const principal = principalOf(request);
  const session = sessionOf(request);
  const current = (other: Language): Html | string => (other === language ? markup` aria-current="page"` : '');
  const languageLinks = LANGUAGES.map(
    (other) =>
      markup`<li><a href="${inLanguage(request, other)}" hreflang="${other}" lang="${other}"${current(other)}>${STRINGS[other].languageName}</a></li>`,
  );
  const sections = NAV.filter(
    (item) =>
      principal !== null &&
      item.permissions.some((permission) => hasPermission(principal.organisation.roles, permission)),
  ).map((item) => {
    const here = request.path === item.href || request.path.startsWith(`${item.href}/`);
    return markup`<li><a href="${item.href}"${here ? markup` aria-current="page"` : ''}>${item.label[language]}</a></li>`;
  });
  const who =
    session === null
      ? principal === null
        ? markup`<a href="/sign-in">${words.signIn}</a>`
        : markup``
      : markup`<span>${words.signedInAs(session.displayName)}</span><form method="post" action="/sign-out">${csrfField(request)}<button class="link" type="submit">${words.signOut}</button></form>`;
  return markup`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} – Kierto</title>
<style>${Html.trusted(WORKSPACE_CSS)}</style>
</head>
<body class="workspace">
<header><span>Kierto</span>${sections.length === 0 ? '' : markup`<nav aria-label="${words.sections}"><ul>${sections}</ul></nav>`}<span class="who">${who}</span><nav aria-label="${t.languageSwitch}"><ul>${languageLinks}</ul></nav></header>
<main>
${main}
</main>
</body>
</html>
`.markup;
}

/**
 * Sends a workspace page: never cached (it shows one person's data), varying by cookie and language.
 */
export function sendWorkspacePage(response: Response, language: Language, page: string, status = 200): void {
  response.setHeader('Content-Security-Policy', WORKSPACE_CSP);
  response.setHeader('Content-Language', language);
  response.setHeader('Cache-Control', 'no-store');
  response.vary('Cookie');
  response.vary('Accept-Language');
  response.status(status).type('html').send(page);
}

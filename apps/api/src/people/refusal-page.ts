import type { Request, Response } from 'express';
import type { ApiError } from '../http/api-error.js';
import { markup } from '../pages/html.js';
import { renderWorkspacePage, sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { PEOPLE_WORDS, type PeopleErrorCode } from './people-words.js';

/**
 * Thrown by the guard after it has answered a page route itself (a redirect to the sign-in page, a
 * refusal page): the request is over, and the error filter sends nothing more.
 */
export class PageAnswered extends Error {
  constructor() {
    super('The guard answered this page request itself');
  }
}

/**
 * Where the sign-in page may send a person back to: a path of this site only. Anything else (an
 * absolute URL, `//host`, a backslash that browsers read as a slash, control characters) is dropped,
 * so the sign-in page cannot be used to send people elsewhere (open redirect).
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || next.length > 2048) return null;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(next)) return null;
  return next;
}

/** 303 to the sign-in page, which brings the person back here afterwards. */
export function redirectToSignIn(request: Request, response: Response): void {
  const back = request.method === 'GET' ? request.originalUrl : request.path;
  const next = safeNext(back);
  response.setHeader('Cache-Control', 'no-store');
  response.redirect(303, next === null ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`);
}

function isPeopleCode(code: string): code is PeopleErrorCode {
  return code in PEOPLE_WORDS.en.errors;
}

/** The refusal of a page route as a page: what is missing, in the person's language, with its code. */
export function sendRefusalPage(request: Request, response: Response, error: ApiError): void {
  const language = workspaceLanguage(request);
  const words = PEOPLE_WORDS[language];
  const message = isPeopleCode(error.code) ? words.errors[error.code] : error.message;
  const main = markup`<h1>${words.forbidden.title}</h1>
<p class="notice error" role="alert" data-code="${error.code}">${message}</p>
<p><a href="/account">${words.forbidden.back}</a></p>`;
  sendWorkspacePage(
    response,
    language,
    renderWorkspacePage(request, language, words.forbidden.title, main),
    error.status,
  );
}

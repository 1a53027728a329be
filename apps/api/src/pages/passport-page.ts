/**
 * One representation choice for a device's passport, for every route that answers one
 * (/passports/{id} and the GS1 Digital Link resolver): JSON to programs, the page to browsers.
 * GS1 Digital Link resolvers work the same way: the URL in the QR code is the product's, and what
 * it answers depends on who asks.
 */
import type { Request, Response } from 'express';
import { passportView, type Passport } from '#kierto/projections';
import { pageLanguage } from './i18n.js';
import { PAGE_CSP } from './page-style.js';
import { renderNotFoundPage, renderPassportPage, type PageSettings } from './passport-html.js';

/**
 * Whether the client prefers the page: it ranks text/html above JSON, as every browser's navigation
 * does (`text/html,…,*\/*;q=0.8`); between equal preferences, the one the client lists first. No
 * Accept, `*\/*` or `application/json` answer JSON, so every program that called the API before the
 * page existed gets what it got.
 */
export function prefersHtml(request: Request): boolean {
  return request.accepts(['application/json', 'text/html']) === 'text/html';
}

export interface PassportSources {
  /** The device the route resolved to (shown on the page for an unknown device). */
  readonly deviceId: string;
  /** `?lang=` as given: a language of ours, or anything else (then Accept-Language decides). */
  readonly lang: unknown;
  readonly settings: PageSettings;
  /** The JSON answer as the route gives it (views, headers, errors as JSON). */
  json(): Promise<unknown>;
  /** The passport for the page, or null when Kierto has none. */
  passport(): Promise<Passport | null>;
}

/**
 * Answers the passport in the representation the client prefers, and sends it. The page always shows
 * the public view (`?view=` applies to JSON); an unknown device is a 404 page for a browser and the
 * JSON error DEVICE_NOT_FOUND for a program. Both representations vary by Accept and Accept-Language,
 * so a cache keeps them apart.
 */
export async function respondWithPassport(
  request: Request,
  response: Response,
  sources: PassportSources,
): Promise<void> {
  response.vary('Accept');
  response.vary('Accept-Language');
  if (!prefersHtml(request)) {
    response.json(await sources.json());
    return;
  }
  const language = pageLanguage(sources.lang, (languages) => request.acceptsLanguages(languages));
  const passport = await sources.passport();
  response.setHeader('Content-Security-Policy', PAGE_CSP);
  response.setHeader('Content-Language', language);
  response.type('html');
  if (passport === null) {
    response.status(404).send(renderNotFoundPage(sources.deviceId, language));
    return;
  }
  // Its own validator: the same revision in another language or as JSON is another representation.
  response.setHeader('ETag', `"${passport.revision}-public-html-${language}"`);
  response.send(renderPassportPage(passportView(passport, 'public'), language, sources.settings));
}

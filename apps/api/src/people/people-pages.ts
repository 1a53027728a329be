/**
 * The sign-in, invitation, account and user admin pages: only their `main`, inside the workspace
 * frame (pages/workspace.ts). Every form carries `_csrf`: the session's token once signed in, the
 * pre-session form cookie's value before (cookies.ts). An error is shown next to its field, with the
 * stable code in `data-code` (the tests and support read it; people read the sentence).
 */
import type { Request } from 'express';
import { PASSWORD_MIN_LENGTH, type Organisation, type Role, type UserRecord } from '#kierto/access';
import { type Html, markup } from '../pages/html.js';
import { STRINGS, type Language } from '../pages/i18n.js';
import { csrfField, renderWorkspacePage } from '../pages/workspace.js';
import { PEOPLE_WORDS, type PeopleErrorCode } from './people-words.js';

/** A refusal shown on a form: its code, and the field at fault (null: the whole form). */
export interface FormError {
  readonly code: PeopleErrorCode;
  readonly field: string | null;
}

function notice(language: Language, error: FormError | null): Html {
  if (error === null) return markup``;
  return markup`<p class="notice error" role="alert" id="form-error" data-code="${error.code}">${PEOPLE_WORDS[language].errors[error.code]}</p>`;
}

/** aria attributes of an input: invalid and described by the notice when the error is its. */
function invalid(error: FormError | null, field: string): Html {
  return error !== null && error.field === field
    ? markup` aria-invalid="true" aria-describedby="form-error"`
    : markup``;
}

function hiddenToken(token: string): Html {
  return markup`<input type="hidden" name="_csrf" value="${token}">`;
}

export function signInPage(
  request: Request,
  language: Language,
  form: {
    formToken: string;
    next: string | null;
    email: string;
    error: FormError | null;
    /** Organisations whose people may sign in through their own identity provider. */
    providers: readonly { id: string; name: string }[];
  },
): string {
  const words = PEOPLE_WORDS[language].signIn;
  const { error } = form;
  const query = (id: string): string =>
    `/sign-in/oidc/${encodeURIComponent(id)}?lang=${language}${form.next === null ? '' : `&next=${encodeURIComponent(form.next)}`}`;
  const providers =
    form.providers.length === 0
      ? markup``
      : markup`<ul>${form.providers.map((provider) => markup`<li><a href="${query(provider.id)}">${words.withProvider(provider.name)}</a></li>`)}</ul>`;
  const main = markup`<h1>${words.title}</h1>
<p>${words.intro}</p>
${notice(language, error)}
<form class="stack" method="post" action="/sign-in?lang=${language}">
${hiddenToken(form.formToken)}
${form.next === null ? '' : markup`<input type="hidden" name="next" value="${form.next}">`}
<div><label for="email">${words.email}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${form.email}"${invalid(error, 'email')}></div>
<div><label for="password">${words.password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid(error, 'password')}></div>
<div><button type="submit">${words.submit}</button></div>
</form>
${providers}
<p class="hint">${words.machines}</p>`;
  return renderWorkspacePage(request, language, words.title, main);
}

export function invitationPage(
  request: Request,
  language: Language,
  form: { formToken: string; token: string; email: string; organisation: string; error: FormError | null },
): string {
  const words = PEOPLE_WORDS[language].invitation;
  const { error } = form;
  const main = markup`<h1>${words.title}</h1>
<p>${words.intro(form.organisation)}</p>
${notice(language, error)}
<form class="stack" method="post" action="/invitations/${form.token}?lang=${language}">
${hiddenToken(form.formToken)}
<div><label for="email">${PEOPLE_WORDS[language].signIn.email}</label>
<input id="email" name="email" type="email" autocomplete="username" value="${form.email}" readonly></div>
<div><label for="password">${words.password} <span class="hint" id="password-hint">${words.passwordHint(PASSWORD_MIN_LENGTH)}</span></label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required aria-describedby="password-hint"${invalid(error, 'password')}></div>
<div><label for="repeat">${words.repeat}</label>
<input id="repeat" name="repeat" type="password" autocomplete="new-password" required${invalid(error, 'repeat')}></div>
<div><button type="submit">${words.submit}</button></div>
</form>`;
  return renderWorkspacePage(request, language, words.title, main);
}

/** A page that only says what went wrong (an invitation link that no longer works). */
export function messagePage(request: Request, language: Language, title: string, code: PeopleErrorCode): string {
  const main = markup`<h1>${title}</h1>
<p class="notice error" role="alert" data-code="${code}">${PEOPLE_WORDS[language].errors[code]}</p>
<p><a href="/sign-in">${PEOPLE_WORDS[language].signIn.title}</a></p>`;
  return renderWorkspacePage(request, language, title, main);
}

export function accountPage(
  request: Request,
  language: Language,
  person: { user: UserRecord; organisation: Organisation; roles: readonly Role[]; sections: readonly Section[] },
): string {
  const words = PEOPLE_WORDS[language];
  const roleNames = person.roles.map((role) => words.roles[role]).join(', ');
  const main = markup`<h1>${words.account.title}</h1>
<dl>
<dt>${words.users.name}</dt><dd>${person.user.displayName}</dd>
<dt>${words.account.email}</dt><dd>${person.user.email}</dd>
<dt>${words.account.organisation}</dt><dd>${person.organisation.name} (${person.organisation.id})</dd>
<dt>${words.account.roles}</dt><dd>${roleNames}</dd>
</dl>
<h2>${words.account.sections}</h2>
${
  person.sections.length === 0
    ? markup`<p>${words.account.noSections}</p>`
    : markup`<ul>${person.sections.map((section) => markup`<li><a href="${section.href}">${section.label[language]}</a></li>`)}</ul>`
}`;
  return renderWorkspacePage(request, language, words.account.title, main);
}

export interface Section {
  readonly href: string;
  readonly label: Readonly<Record<Language, string>>;
}

export interface UsersPageModel {
  readonly organisation: Organisation;
  readonly organisations: readonly Organisation[];
  readonly users: readonly UserRecord[];
  readonly selfId: string | null;
  readonly error: FormError | null;
  /** What the invitation form held when it was refused, so nothing typed is lost. */
  readonly draft: { email: string; displayName: string; roles: readonly string[] };
  /** Shown once, right after an invitation was made. */
  readonly invited: { email: string; link: string; expiresAt: string } | null;
  readonly removed: string | null;
}

export function usersPage(request: Request, language: Language, model: UsersPageModel): string {
  const words = PEOPLE_WORDS[language];
  const t = words.users;
  const { organisation, error } = model;
  const date = (iso: string): string =>
    new Intl.DateTimeFormat(STRINGS[language].locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
  const rows = model.users.map(
    (user) => markup`<tr>
<td>${user.displayName}${user.id === model.selfId ? markup` (${t.you})` : ''}</td>
<td>${user.email}</td>
<td>${user.roles.map((role) => words.roles[role]).join(', ')}</td>
<td>${user.passwordHash === null ? t.invited : t.active}</td>
<td>${
      user.passwordHash === null
        ? markup`<form method="post" action="/admin/users/${user.id}/invitation?lang=${language}">${csrfField(request)}<input type="hidden" name="organisation" value="${organisation.id}"><button type="submit" class="link">${t.newLink(user.email)}</button></form>`
        : ''
    }${
      user.id === model.selfId
        ? ''
        : markup`<form method="post" action="/admin/users/${user.id}/removal?lang=${language}">${csrfField(request)}<input type="hidden" name="organisation" value="${organisation.id}"><button type="submit" class="link">${t.remove(user.email)}</button></form>`
    }</td>
</tr>`,
  );
  const roleBoxes = organisation.roles.map(
    (role) =>
      markup`<label><input type="checkbox" name="roles" value="${role}"${model.draft.roles.includes(role) ? markup` checked` : ''}> ${words.roles[role]}</label>`,
  );
  const choices = model.organisations.map(
    (other) =>
      markup`<option value="${other.id}"${other.id === organisation.id ? markup` selected` : ''}>${other.name} (${other.id})</option>`,
  );
  const main = markup`<h1>${t.title}</h1>
<form method="get" action="/admin/users">
<input type="hidden" name="lang" value="${language}">
<label for="organisation">${t.organisation}</label>
<select id="organisation" name="organisation">${choices}</select>
<button type="submit">${t.choose}</button>
</form>
${
  model.invited === null
    ? ''
    : markup`<div class="notice" role="status"><p>${t.invited_link(model.invited.email, date(model.invited.expiresAt))}</p><p><a id="invitation-link" href="${model.invited.link}">${model.invited.link}</a></p></div>`
}
${model.removed === null ? '' : markup`<p class="notice" role="status">${t.removed(model.removed)}</p>`}
<h2>${t.people}: ${organisation.name}</h2>
${
  model.users.length === 0
    ? markup`<p>${t.none}</p>`
    : markup`<div class="scroll"><table>
<thead><tr><th scope="col">${t.name}</th><th scope="col">${t.email}</th><th scope="col">${t.roles}</th><th scope="col">${t.status}</th><th scope="col">${t.actions}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`
}
<h2>${t.invite}</h2>
${notice(language, error)}
<form class="stack" method="post" action="/admin/users/invitations?lang=${language}">
${csrfField(request)}
<input type="hidden" name="organisation" value="${organisation.id}">
<div><label for="invite-name">${t.name}</label>
<input id="invite-name" name="displayName" required maxlength="200" value="${model.draft.displayName}"${invalid(error, 'displayName')}></div>
<div><label for="invite-email">${t.email}</label>
<input id="invite-email" name="email" type="email" required maxlength="254" value="${model.draft.email}"${invalid(error, 'email')}></div>
<fieldset><legend>${t.roles}</legend>${roleBoxes}</fieldset>
<div><button type="submit">${t.inviteSubmit}</button></div>
</form>`;
  return renderWorkspacePage(request, language, t.title, main);
}

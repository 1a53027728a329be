/**
 * The words of the sign-in, invitation, account and user admin pages, in Finnish, Swedish and
 * English: one table per language of one type, as in pages/i18n.ts, so a missing string does not
 * compile. Error messages are keyed by the stable code the page also carries (`data-code`).
 */
import type { Role } from '#kierto/access';
import type { Language } from '../pages/i18n.js';

export type PeopleErrorCode =
  | 'SIGN_IN_FAILED'
  | 'AUTHENTICATION_RATE_LIMITED'
  | 'CSRF_TOKEN_MISSING'
  | 'CSRF_TOKEN_INVALID'
  | 'FIELD_REQUIRED'
  | 'INVALID_EMAIL'
  | 'USER_EXISTS'
  | 'ROLE_NOT_HELD'
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'PASSWORD_IS_EMAIL'
  | 'PASSWORDS_DIFFER'
  | 'INVITATION_INVALID'
  | 'INVITATION_EXPIRED'
  | 'INVITATION_USED'
  | 'USER_NOT_FOUND'
  | 'CANNOT_REMOVE_SELF'
  | 'ORGANISATION_NOT_FOUND'
  | 'FORBIDDEN'
  | 'OIDC_NOT_CONFIGURED'
  | 'OIDC_STATE_MISSING'
  | 'OIDC_FAILED'
  | 'OIDC_EMAIL_UNVERIFIED'
  | 'OIDC_USER_NOT_ALLOWED';

export interface PeopleWords {
  readonly signIn: {
    readonly title: string;
    readonly intro: string;
    readonly email: string;
    readonly password: string;
    readonly submit: string;
    readonly machines: string;
    readonly withProvider: (organisation: string) => string;
  };
  readonly account: {
    readonly title: string;
    readonly organisation: string;
    readonly roles: string;
    readonly email: string;
    readonly sections: string;
    readonly noSections: string;
  };
  readonly invitation: {
    readonly title: string;
    readonly intro: (organisation: string) => string;
    readonly password: string;
    readonly passwordHint: (min: number) => string;
    readonly repeat: string;
    readonly submit: string;
  };
  readonly users: {
    readonly title: string;
    readonly organisation: string;
    readonly choose: string;
    readonly people: string;
    readonly name: string;
    readonly email: string;
    readonly roles: string;
    readonly status: string;
    readonly active: string;
    readonly invited: string;
    readonly actions: string;
    readonly remove: (name: string) => string;
    readonly newLink: (name: string) => string;
    readonly you: string;
    readonly none: string;
    readonly invite: string;
    readonly inviteSubmit: string;
    readonly invited_link: (email: string, expires: string) => string;
    readonly removed: (email: string) => string;
  };
  readonly forbidden: { readonly title: string; readonly back: string };
  readonly errors: Readonly<Record<PeopleErrorCode, string>>;
  readonly roles: Readonly<Record<Role, string>>;
}

const en: PeopleWords = {
  signIn: {
    title: 'Sign in',
    intro: 'Sign in with the e-mail address and password of your Kierto account.',
    email: 'E-mail address',
    password: 'Password',
    submit: 'Sign in',
    machines: 'Programs use API keys instead (see the API documentation at /docs).',
    withProvider: (organisation) => `Sign in through ${organisation}'s own sign-in service`,
  },
  account: {
    title: 'Your account',
    organisation: 'Organisation',
    roles: 'Roles',
    email: 'E-mail address',
    sections: 'Your sections',
    noSections: 'Your roles open no workspace section yet.',
  },
  invitation: {
    title: 'Set your password',
    intro: (organisation) => `You have been invited to Kierto by ${organisation}. Choose a password to sign in.`,
    password: 'New password',
    passwordHint: (min) => `At least ${min} characters; a sentence you remember is a good password.`,
    repeat: 'Repeat the password',
    submit: 'Set password and sign in',
  },
  users: {
    title: 'Users',
    organisation: 'Organisation',
    choose: 'Show',
    people: 'People',
    name: 'Name',
    email: 'E-mail address',
    roles: 'Roles',
    status: 'Status',
    active: 'active',
    invited: 'invited, no password yet',
    actions: 'Actions',
    remove: (name) => `Remove ${name}`,
    newLink: (name) => `New invitation link for ${name}`,
    you: 'you',
    none: 'No users yet.',
    invite: 'Invite a person',
    inviteSubmit: 'Create invitation',
    invited_link: (email, expires) =>
      `Invitation for ${email} created. Send this link to them; it is shown only now and works until ${expires}:`,
    removed: (email) => `${email} was removed and signed out.`,
  },
  forbidden: { title: 'Not allowed', back: 'Back to your account' },
  errors: {
    SIGN_IN_FAILED: 'The e-mail address or the password is wrong.',
    AUTHENTICATION_RATE_LIMITED: 'Too many failed attempts. Wait a minute and try again.',
    CSRF_TOKEN_MISSING: 'The form was sent without its security token. Reload the page and try again.',
    CSRF_TOKEN_INVALID: 'The form has expired. Reload the page and try again.',
    FIELD_REQUIRED: 'Fill in this field.',
    INVALID_EMAIL: 'This is not an e-mail address.',
    USER_EXISTS: 'A user with this e-mail address already exists.',
    ROLE_NOT_HELD: 'Choose at least one role, from those the organisation holds.',
    PASSWORD_TOO_SHORT: 'The password is too short.',
    PASSWORD_TOO_LONG: 'The password is too long (at most 256 characters).',
    PASSWORD_IS_EMAIL: 'The password must not be your e-mail address.',
    PASSWORDS_DIFFER: 'The two passwords differ.',
    INVITATION_INVALID: 'This invitation link is not valid. Ask for a new one.',
    INVITATION_EXPIRED: 'This invitation link has expired. Ask for a new one.',
    INVITATION_USED: 'This invitation link has been used already. Sign in with your password.',
    USER_NOT_FOUND: 'There is no such user in this organisation.',
    CANNOT_REMOVE_SELF: 'You cannot remove yourself; ask another administrator.',
    ORGANISATION_NOT_FOUND: 'There is no such organisation.',
    FORBIDDEN: 'Your roles do not allow this page.',
    OIDC_NOT_CONFIGURED: 'This organisation has no sign-in service of its own.',
    OIDC_STATE_MISSING: 'The sign-in took too long or was started in another browser. Start again.',
    OIDC_FAILED: 'The sign-in service did not confirm who you are. Start again.',
    OIDC_EMAIL_UNVERIFIED: 'The sign-in service gave no verified e-mail address.',
    OIDC_USER_NOT_ALLOWED: 'Your address has no account in this organisation. Ask its administrator to invite you.',
  },
  roles: {
    producer: 'producer',
    'producer-organisation': 'producer organisation',
    collector: 'collector',
    refurbisher: 'refurbisher',
    repairer: 'repairer',
    recycler: 'recycler',
    auditor: 'auditor',
    admin: 'administrator',
  },
};

const fi: PeopleWords = {
  signIn: {
    title: 'Kirjaudu sisään',
    intro: 'Kirjaudu Kierto-tilisi sähköpostiosoitteella ja salasanalla.',
    email: 'Sähköpostiosoite',
    password: 'Salasana',
    submit: 'Kirjaudu',
    machines: 'Ohjelmat käyttävät API-avaimia (katso API-dokumentaatio osoitteessa /docs).',
    withProvider: (organisation) => `Kirjaudu organisaation ${organisation} omalla kirjautumispalvelulla`,
  },
  account: {
    title: 'Tilisi',
    organisation: 'Organisaatio',
    roles: 'Roolit',
    email: 'Sähköpostiosoite',
    sections: 'Osiosi',
    noSections: 'Roolisi eivät vielä avaa yhtään osiota.',
  },
  invitation: {
    title: 'Aseta salasana',
    intro: (organisation) => `${organisation} on kutsunut sinut Kiertoon. Valitse salasana kirjautuaksesi.`,
    password: 'Uusi salasana',
    passwordHint: (min) => `Vähintään ${min} merkkiä; muistamasi lause on hyvä salasana.`,
    repeat: 'Salasana uudelleen',
    submit: 'Aseta salasana ja kirjaudu',
  },
  users: {
    title: 'Käyttäjät',
    organisation: 'Organisaatio',
    choose: 'Näytä',
    people: 'Henkilöt',
    name: 'Nimi',
    email: 'Sähköpostiosoite',
    roles: 'Roolit',
    status: 'Tila',
    active: 'käytössä',
    invited: 'kutsuttu, ei vielä salasanaa',
    actions: 'Toiminnot',
    remove: (name) => `Poista ${name}`,
    newLink: (name) => `Uusi kutsulinkki: ${name}`,
    you: 'sinä',
    none: 'Ei vielä käyttäjiä.',
    invite: 'Kutsu henkilö',
    inviteSubmit: 'Luo kutsu',
    invited_link: (email, expires) =>
      `Kutsu henkilölle ${email} luotu. Lähetä tämä linkki hänelle; se näytetään vain nyt ja toimii ${expires} asti:`,
    removed: (email) => `${email} poistettiin ja kirjattiin ulos.`,
  },
  forbidden: { title: 'Ei sallittu', back: 'Takaisin tiliisi' },
  errors: {
    SIGN_IN_FAILED: 'Sähköpostiosoite tai salasana on väärin.',
    AUTHENTICATION_RATE_LIMITED: 'Liian monta epäonnistunutta yritystä. Odota minuutti ja yritä uudelleen.',
    CSRF_TOKEN_MISSING: 'Lomake lähetettiin ilman suojatunnistetta. Lataa sivu uudelleen ja yritä uudelleen.',
    CSRF_TOKEN_INVALID: 'Lomake on vanhentunut. Lataa sivu uudelleen ja yritä uudelleen.',
    FIELD_REQUIRED: 'Täytä tämä kenttä.',
    INVALID_EMAIL: 'Tämä ei ole sähköpostiosoite.',
    USER_EXISTS: 'Tällä sähköpostiosoitteella on jo käyttäjä.',
    ROLE_NOT_HELD: 'Valitse ainakin yksi rooli organisaation rooleista.',
    PASSWORD_TOO_SHORT: 'Salasana on liian lyhyt.',
    PASSWORD_TOO_LONG: 'Salasana on liian pitkä (enintään 256 merkkiä).',
    PASSWORD_IS_EMAIL: 'Salasana ei saa olla sähköpostiosoitteesi.',
    PASSWORDS_DIFFER: 'Salasanat eroavat toisistaan.',
    INVITATION_INVALID: 'Tämä kutsulinkki ei kelpaa. Pyydä uusi.',
    INVITATION_EXPIRED: 'Tämä kutsulinkki on vanhentunut. Pyydä uusi.',
    INVITATION_USED: 'Tämä kutsulinkki on jo käytetty. Kirjaudu salasanallasi.',
    USER_NOT_FOUND: 'Organisaatiossa ei ole tällaista käyttäjää.',
    CANNOT_REMOVE_SELF: 'Et voi poistaa itseäsi; pyydä toista ylläpitäjää.',
    ORGANISATION_NOT_FOUND: 'Tällaista organisaatiota ei ole.',
    FORBIDDEN: 'Roolisi eivät salli tätä sivua.',
    OIDC_NOT_CONFIGURED: 'Tällä organisaatiolla ei ole omaa kirjautumispalvelua.',
    OIDC_STATE_MISSING: 'Kirjautuminen kesti liian kauan tai aloitettiin toisessa selaimessa. Aloita alusta.',
    OIDC_FAILED: 'Kirjautumispalvelu ei vahvistanut henkilöllisyyttäsi. Aloita alusta.',
    OIDC_EMAIL_UNVERIFIED: 'Kirjautumispalvelu ei antanut vahvistettua sähköpostiosoitetta.',
    OIDC_USER_NOT_ALLOWED: 'Osoitteellasi ei ole tiliä tässä organisaatiossa. Pyydä sen ylläpitäjää kutsumaan sinut.',
  },
  roles: {
    producer: 'tuottaja',
    'producer-organisation': 'tuottajayhteisö',
    collector: 'kerääjä',
    refurbisher: 'kunnostaja',
    repairer: 'korjaaja',
    recycler: 'kierrättäjä',
    auditor: 'tarkastaja',
    admin: 'ylläpitäjä',
  },
};

const sv: PeopleWords = {
  signIn: {
    title: 'Logga in',
    intro: 'Logga in med e-postadressen och lösenordet för ditt Kierto-konto.',
    email: 'E-postadress',
    password: 'Lösenord',
    submit: 'Logga in',
    machines: 'Program använder API-nycklar (se API-dokumentationen på /docs).',
    withProvider: (organisation) => `Logga in via ${organisation}s egen inloggningstjänst`,
  },
  account: {
    title: 'Ditt konto',
    organisation: 'Organisation',
    roles: 'Roller',
    email: 'E-postadress',
    sections: 'Dina avsnitt',
    noSections: 'Dina roller öppnar ännu inget avsnitt.',
  },
  invitation: {
    title: 'Välj ditt lösenord',
    intro: (organisation) => `${organisation} har bjudit in dig till Kierto. Välj ett lösenord för att logga in.`,
    password: 'Nytt lösenord',
    passwordHint: (min) => `Minst ${min} tecken; en mening du minns är ett bra lösenord.`,
    repeat: 'Upprepa lösenordet',
    submit: 'Spara lösenordet och logga in',
  },
  users: {
    title: 'Användare',
    organisation: 'Organisation',
    choose: 'Visa',
    people: 'Personer',
    name: 'Namn',
    email: 'E-postadress',
    roles: 'Roller',
    status: 'Status',
    active: 'aktiv',
    invited: 'inbjuden, inget lösenord ännu',
    actions: 'Åtgärder',
    remove: (name) => `Ta bort ${name}`,
    newLink: (name) => `Ny inbjudningslänk för ${name}`,
    you: 'du',
    none: 'Inga användare ännu.',
    invite: 'Bjud in en person',
    inviteSubmit: 'Skapa inbjudan',
    invited_link: (email, expires) =>
      `Inbjudan till ${email} skapad. Skicka länken till personen; den visas bara nu och gäller till ${expires}:`,
    removed: (email) => `${email} togs bort och loggades ut.`,
  },
  forbidden: { title: 'Inte tillåtet', back: 'Tillbaka till ditt konto' },
  errors: {
    SIGN_IN_FAILED: 'E-postadressen eller lösenordet är fel.',
    AUTHENTICATION_RATE_LIMITED: 'För många misslyckade försök. Vänta en minut och försök igen.',
    CSRF_TOKEN_MISSING: 'Formuläret skickades utan sin säkerhetstoken. Ladda om sidan och försök igen.',
    CSRF_TOKEN_INVALID: 'Formuläret har gått ut. Ladda om sidan och försök igen.',
    FIELD_REQUIRED: 'Fyll i det här fältet.',
    INVALID_EMAIL: 'Det här är ingen e-postadress.',
    USER_EXISTS: 'Det finns redan en användare med den här e-postadressen.',
    ROLE_NOT_HELD: 'Välj minst en roll bland organisationens roller.',
    PASSWORD_TOO_SHORT: 'Lösenordet är för kort.',
    PASSWORD_TOO_LONG: 'Lösenordet är för långt (högst 256 tecken).',
    PASSWORD_IS_EMAIL: 'Lösenordet får inte vara din e-postadress.',
    PASSWORDS_DIFFER: 'De två lösenorden skiljer sig åt.',
    INVITATION_INVALID: 'Inbjudningslänken är inte giltig. Be om en ny.',
    INVITATION_EXPIRED: 'Inbjudningslänken har gått ut. Be om en ny.',
    INVITATION_USED: 'Inbjudningslänken har redan använts. Logga in med ditt lösenord.',
    USER_NOT_FOUND: 'Det finns ingen sådan användare i organisationen.',
    CANNOT_REMOVE_SELF: 'Du kan inte ta bort dig själv; be en annan administratör.',
    ORGANISATION_NOT_FOUND: 'Det finns ingen sådan organisation.',
    FORBIDDEN: 'Dina roller tillåter inte den här sidan.',
    OIDC_NOT_CONFIGURED: 'Den här organisationen har ingen egen inloggningstjänst.',
    OIDC_STATE_MISSING: 'Inloggningen tog för lång tid eller startades i en annan webbläsare. Börja om.',
    OIDC_FAILED: 'Inloggningstjänsten bekräftade inte vem du är. Börja om.',
    OIDC_EMAIL_UNVERIFIED: 'Inloggningstjänsten gav ingen verifierad e-postadress.',
    OIDC_USER_NOT_ALLOWED:
      'Din adress har inget konto i den här organisationen. Be dess administratör att bjuda in dig.',
  },
  roles: {
    producer: 'producent',
    'producer-organisation': 'producentorganisation',
    collector: 'insamlare',
    refurbisher: 'renoverare',
    repairer: 'reparatör',
    recycler: 'återvinnare',
    auditor: 'granskare',
    admin: 'administratör',
  },
};

export const PEOPLE_WORDS: Readonly<Record<Language, PeopleWords>> = { en, fi, sv };

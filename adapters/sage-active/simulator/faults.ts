/**
 * The error bodies of shared/reference/sage.md §2.6, and the faults a test can inject into the next
 * /graphql requests.
 */

/** §2.6, https://developer.sage.com/sageactive/faq/faq-api: Azure API Management's stock 401 texts. */
export const BAD_SUBSCRIPTION_KEY = {
  statusCode: 401,
  message:
    'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
};
export const JWT_NOT_PRESENT = { statusCode: 401, message: 'JWT not present.' };

/**
 * §2.6, https://developer.sage.com/sageactive/faq/faq-authentication: HTTP 403 for a user who never
 * logged into Sage Active. The body is not documented [UNVERIFIED: this one is APIM-shaped like the 401s].
 */
export const USER_NEVER_LOGGED_IN = {
  statusCode: 403,
  message: 'The user has never logged in to Sage Active. Sign in to Sage Active once, then try again.',
};

/** §2.2 [INFERRED]: APIM's default 429 body, with a Retry-After header. */
export function rateLimitBody(retryAfterSeconds: number): { statusCode: number; message: string } {
  return { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` };
}

/** §2.6 (https://developer.sage.com/sageactive/resources/errors): the message of a missing X-OrganizationId, inside HTTP 200. */
export const ORGANIZATION_HEADER_MANDATORY = 'X-OrganizationId header is mandatory';

/** §2.6 (digest 15-reference-data): a user without rights on the organisation. */
export const NOT_AUTHORIZED = {
  message: 'The current user is not authorized to access this resource.',
  code: 'AUTH_NOT_AUTHORIZED',
};

/**
 * Business error keys (§2.6: "messages are keys in English", global.businessErrors.*). Only
 * authorizationPolicy and authorizationFeature are quoted in the reference; the others are
 * UNVERIFIED names in the same family (§2.8 question 1 asks for the real key of a locked invoice).
 */
export const BUSINESS_ERRORS = {
  /** §2.1/§2.6: a Starter edition reading accounting entries. */
  authorizationFeature: 'global.businessErrors.authorizationFeature',
  authorizationPolicy: 'global.businessErrors.authorizationPolicy',
  /** UNVERIFIED key: remarks refused on a Closed/Posted/PartiallyCollected/Collected invoice (§2.5 option A). */
  salesInvoiceNotModifiable: 'global.businessErrors.salesInvoiceNotModifiable',
  /** UNVERIFIED key. */
  entityNotFound: 'global.businessErrors.entityNotFound',
  /** UNVERIFIED key: a text over its documented length. */
  maxLengthExceeded: 'global.businessErrors.maxLengthExceeded',
  /** UNVERIFIED key: a file type outside the allowed ones. */
  fileTypeNotAllowed: 'global.businessErrors.fileTypeNotAllowed',
} as const;

/**
 * What `localizedErrorMessage(input:{languageCode:"fr-FR", errorKey})` answers (§2.6). The French
 * texts are the simulator's [UNVERIFIED].
 */
export const LOCALIZED_MESSAGES: Readonly<Record<string, { 'fr-FR': string; 'en-GB': string }>> = {
  [BUSINESS_ERRORS.authorizationFeature]: {
    'fr-FR': 'Votre offre Sage Active ne donne pas accès à cette fonctionnalité.',
    'en-GB': 'Your Sage Active plan does not include this feature.',
  },
  [BUSINESS_ERRORS.authorizationPolicy]: {
    'fr-FR': "Vous n'avez pas les droits nécessaires pour cette action.",
    'en-GB': 'You do not have the rights this action needs.',
  },
  [BUSINESS_ERRORS.salesInvoiceNotModifiable]: {
    'fr-FR': 'La facture ne peut plus être modifiée.',
    'en-GB': 'The invoice can no longer be modified.',
  },
  [BUSINESS_ERRORS.entityNotFound]: {
    'fr-FR': "L'élément demandé n'existe pas.",
    'en-GB': 'The requested item does not exist.',
  },
  [BUSINESS_ERRORS.maxLengthExceeded]: {
    'fr-FR': 'Le texte dépasse la longueur maximale autorisée.',
    'en-GB': 'The text is longer than allowed.',
  },
  [BUSINESS_ERRORS.fileTypeNotAllowed]: {
    'fr-FR': "Ce type de fichier n'est pas autorisé.",
    'en-GB': 'This file type is not allowed.',
  },
};

/**
 * Hot Chocolate's answer to a multipart request without the preflight header (§2.5: uploads need
 * `GraphQL-preflight: 1`). [UNVERIFIED: message, code and status are from Hot Chocolate's behaviour
 * as remembered, not from a Sage page.]
 */
export const PREFLIGHT_MISSING = {
  errors: [
    {
      message: 'Multi-part requests must include a GraphQL preflight header.',
      extensions: { code: 'HC0077' },
    },
  ],
};

/**
 * Faults a test injects into the next /graphql requests, after the header checks pass: '500' (§2.6:
 * "Server error 500, not documented": the body here is UNVERIFIED), '429' (the APIM body with
 * Retry-After), '401' (an access token refused as if expired), 'drop' (the request is processed and
 * the connection cut, so the answer is lost).
 */
export type InjectedFault = '500' | '429' | '401' | 'drop';
export const INJECTABLE_FAULTS: readonly InjectedFault[] = ['500', '429', '401', 'drop'];

/** UNVERIFIED: the body of a 500; Hot Chocolate answers unexpected errors in its GraphQL error shape. */
export const SERVER_ERROR = { errors: [{ message: 'Unexpected Execution Error' }] };

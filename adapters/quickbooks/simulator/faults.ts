/**
 * QBO's error bodies (erp-apis.md §2.4): a JSON `Fault` with `Error[{Message, Detail, code, element}]`
 * (`code` a string) and a `type` among ValidationFault, SystemFault, AuthenticationFault and
 * AuthorizatonFault (sic, the XSD's FaultTypeEnum), plus the response `time`; and the 429, whose body
 * is XML even when JSON was asked for.
 */

export type FaultType = 'ValidationFault' | 'SystemFault' | 'AuthenticationFault' | 'AuthorizatonFault';

export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

export function faultBody(type: FaultType, error: FaultError, time: string): string {
  return JSON.stringify({ Fault: { Error: [{ element: '', ...error }], type }, time });
}

/** erp-apis.md §2.4: the 429 body, verbatim (python-quickbooks issue 43, QuickBooks-V3-PHP-SDK issue 54). */
export const THROTTLE_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="TIME"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>';

/** The 429 body for `time` [UNVERIFIED: the XML declaration and the `time` attribute, which IntuitResponse carries in the XSD]. */
export function throttleXml(time: string): string {
  return THROTTLE_XML.replace('TIME', time);
}

export const FAULTS = {
  /** erp-apis.md §2.4: "3200 or 401 for an expired token" [UNVERIFIED Message and Detail]. */
  authentication: (detail: string): FaultError => ({
    Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
    Detail: detail,
    code: '3200',
  }),
  /** A token of another company [UNVERIFIED: status 403 and code 3100 from memory of real answers]. */
  authorization: (): FaultError => ({
    Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
    Detail: 'The access token is not authorized for this company',
    code: '3100',
  }),
  /** erp-apis.md §2.4: 610 Object Not Found. */
  notFound: (entity: string, id: string): FaultError => ({
    Message: 'Object Not Found',
    Detail: `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} ${id})`,
    code: '610',
  }),
  /** erp-apis.md §2.4: 5010 for a stale SyncToken, with the Detail quoted there. */
  stale: (): FaultError => ({
    Message: 'Stale Object Error',
    Detail:
      'Stale Object Error : You and simulator user were working on this at the same time. simulator user finished before you did, so your work was not saved.',
    code: '5010',
  }),
  /** erp-apis.md §2.4: 6000 Business Validation [UNVERIFIED: which code a too-long field gets]. */
  validation: (detail: string, element = ''): FaultError => ({
    Message: 'A business validation error has occurred while processing your request',
    Detail: `Business Validation Error: ${detail}`,
    code: '6000',
    element,
  }),
  /** [UNVERIFIED: code 10000 for an internal error, from memory of real answers.] */
  system: (): FaultError => ({
    Message: 'An application error has occurred while processing your request',
    Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data.',
    code: '10000',
  }),
};
